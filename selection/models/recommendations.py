"""Recommendations (attachment 3) with their pledge (attachment 4)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.uploads import upload_to

from .campaigns import Campaign


class Recommendation(models.Model):
    """One row of attachment 3 (优质在线公需课推荐表) with its unit and course."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        WITHDRAWN = "withdrawn", _("已撤回")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="recommendations")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("课程"), on_delete=models.PROTECT, related_name="recommendations"
    )

    class Copyright(models.TextChoices):
        OWN = "own", _("推荐单位拥有版权")
        LICENSED = "licensed", _("已获版权所有者授权（上传授权书）")

    # Attachment 3's "课程及师资简介" is both parts; blind review shows experts only the first.
    intro = models.TextField(_("课程简介"))
    teacher_intro = models.TextField(_("师资简介"), blank=True)
    is_original = models.BooleanField(_("原创性资源"), default=False)
    copyright = models.CharField(_("版权"), max_length=16, choices=Copyright.choices, default=Copyright.OWN)
    licence = models.FileField(_("版权授权书（PDF）"), upload_to=upload_to("selection/licences"), blank=True)
    learner_count = models.PositiveIntegerField(_("平台学习人数"), null=True, blank=True)
    rating = models.DecimalField(
        _("平台学员评价（满分5分）"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )
    study_url = models.URLField(_("学习网址"), max_length=300)
    test_account = models.CharField(_("测试账号（供专家评审用）"), max_length=100, blank=True)
    test_password = models.CharField(_("测试密码"), max_length=100, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    filler_name = models.CharField(_("填报人"), max_length=64, blank=True)
    filler_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐课程")
        verbose_name_plural = _("推荐课程")
        ordering = ["campaign_id", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "course"], name="recommendation_once_per_course")]

    def __str__(self):
        return f"{self.course} · {self.organisation}"


class Pledge(models.Model):
    """Attachment 4 (知识产权保护承诺书), signed by the unit's head."""

    recommendation = models.OneToOneField(Recommendation, on_delete=models.CASCADE, related_name="pledge")
    signatory = models.CharField(_("单位负责人"), max_length=64)
    signed_on = models.DateField(_("签署日期"))
    owns_full_ip = models.BooleanField(_("对课程（文档、源文件、图片、视频等）拥有完全的知识产权"), default=False)
    no_plagiarism = models.BooleanField(_("无剽窃、抄袭等侵犯他人知识产权现象"), default=False)
    bears_liability = models.BooleanField(_("如引起法律纠纷，法律责任由本单位承担"), default=False)
    scan = models.FileField(_("盖章承诺书扫描件（PDF）"), upload_to=upload_to("selection/pledges"), blank=True)

    class Meta:
        verbose_name = _("知识产权保护承诺书")
        verbose_name_plural = _("知识产权保护承诺书")

    def __str__(self):
        return f"{self.recommendation_id} · {self.signatory}"

    @property
    def all_clauses_confirmed(self) -> bool:
        return self.owns_full_ip and self.no_plagiarism and self.bears_liability
