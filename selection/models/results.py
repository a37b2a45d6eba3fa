"""Results: objections, ranking snapshots, tie decisions, the teacher pool and certificates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .recommendations import Recommendation


class Objection(models.Model):
    """An objection (异议) filed during the public notice period (公示)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="objections")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="objections"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("异议理由"))
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.campaign_id} #{self.pk}"


class ResultSnapshot(models.Model):
    """The inputs (scores, votes, weights, rule) a ranking was computed from, with their hash."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    inputs = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.campaign_id} {self.sha256[:12]}"


class Result(models.Model):
    snapshot = models.ForeignKey(ResultSnapshot, on_delete=models.CASCADE, related_name="results")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="results")
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True, help_text=_("专家评分不足的课程不排名。"))
    expert_count = models.PositiveSmallIntegerField(_("评分专家数"), default=0)
    expert_score = models.DecimalField(_("专家评分"), max_digits=6, decimal_places=2)
    votes = models.PositiveIntegerField(_("得票数"))
    combined_score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    selected = models.BooleanField(_("入选"), default=False)
    # Still tied after the tie rule, across the selection line: the association decides.
    tied_at_line = models.BooleanField(_("入选线并列"), default=False)

    class Meta:
        ordering = ["snapshot_id", models.F("rank").asc(nulls_last=True), "id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "recommendation"], name="result_unique_per_snapshot")
        ]

    def __str__(self):
        return f"{self.rank}. {self.recommendation_id}"


class TieDecision(models.Model):
    """The association's decision on courses still tied across the selection line, with its reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tie_decisions")
    tied = models.JSONField(_("并列课程"))
    selected = models.JSONField(_("裁定入选课程"))
    reason = models.TextField(_("裁定理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("并列裁定")
        verbose_name_plural = _("并列裁定")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.campaign_id}: {self.selected}"


class TeacherPoolEntry(models.Model):
    """山东继续教育师资库: teachers of selected courses."""

    teacher = models.ForeignKey("courses.Teacher", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pool_entries")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("师资库")
        verbose_name_plural = _("师资库")
        ordering = ["-campaign__year", "teacher__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "campaign", "course"], name="pool_unique_entry"),
        ]

    def __str__(self):
        return f"{self.teacher_id} · {self.course_id}"


class ExcellentTeacherCertificate(models.Model):
    """优秀师资特聘证书 issued by the association."""

    teacher = models.ForeignKey("courses.Teacher", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    issued_on = models.DateField(_("颁发日期"))

    class Meta:
        verbose_name = _("优秀师资特聘证书")
        verbose_name_plural = _("优秀师资特聘证书")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["teacher", "campaign"], name="certificate_once_per_year")]

    def __str__(self):
        return self.number
