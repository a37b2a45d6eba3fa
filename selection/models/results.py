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
    """The inputs (scores, votes, weights, rule) a ranking was computed from, with their hash.

    A sealed snapshot (`version` set, from confirmation on) also holds, under `inputs["sealed"]`,
    everything that is published: courses with their units, teachers with their identity, each
    expert score, the votes and the rules text. Version 1 is sealed at confirmation; each later
    version is a correction by the association, with its reason and what changed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    inputs = models.JSONField()
    sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField(_("版本"), null=True, blank=True)
    reason = models.TextField(_("更正理由"), blank=True)
    changes = models.JSONField(_("更正内容"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "version"],
                condition=models.Q(version__isnull=False),
                name="snapshot_version_unique",
            )
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.sha256[:12]}"

    @property
    def is_sealed(self) -> bool:
        return self.version is not None


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
    # As sealed: a later edit of the teacher or the course does not change the pool.
    teacher_name = models.CharField(_("教师姓名"), max_length=64, blank=True)
    professional_title = models.CharField(_("职称"), max_length=64, blank=True)
    unit_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    course_title = models.CharField(_("课程名称"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A correction that drops the teacher of this course from the selected list takes it out.
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.TextField(_("移出理由"), blank=True)

    class Meta:
        verbose_name = _("师资库")
        verbose_name_plural = _("师资库")
        ordering = ["-campaign__year", "teacher_name", "id"]
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
    teacher_name = models.CharField(_("教师姓名"), max_length=64, blank=True)
    # A correction that drops the teacher from the selected list revokes it (kept, never deleted).
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        verbose_name = _("优秀师资特聘证书")
        verbose_name_plural = _("优秀师资特聘证书")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "campaign"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificate_once_per_year",
            )
        ]

    def __str__(self):
        return self.number


class ConflictFlag(models.Model):
    """A conflict of interest found after the review phase: the score stands (the campaign is past
    review or sealed), the association is told and decides whether a correction is needed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="conflict_flags")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="conflict_flags")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    types = models.JSONField(_("回避类型"), default=list)
    had_score = models.BooleanField(_("已评分"), default=False)
    phase = models.CharField(_("发现时阶段"), max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审后发现的利益冲突")
        verbose_name_plural = _("评审后发现的利益冲突")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "expert"], name="conflict_flag_once"),
        ]

    def __str__(self):
        return f"{self.recommendation_id} · {self.expert_id}"


class TeachingCredit(models.Model):
    """One person's 2 x hours for one selected course of one campaign ("按照课程课时的2倍计算授课
    教师年度继续教育学时"): at most one active per (campaign, course, person), whatever the number
    of teacher rows naming them. A closed year's credit waits for the city bureau (`pending`)."""

    class Status(models.TextChoices):
        CREDITED = "credited", _("已计入")
        PENDING = "pending", _("年度已关闭，待市人社局更正计入")
        REVERSED = "reversed", _("已冲正")
        CANCELLED = "cancelled", _("已撤销（未计入）")
        DECLINED = "declined", _("市人社局不予计入")

    class Cause(models.TextChoices):
        PUBLICATION = "publication", _("结果发布")
        LINK = "link", _("教师确认关联")
        CORRECTION = "correction", _("结果更正")
        UNLINK = "unlink", _("取消关联或修改身份证号")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="teaching_credits")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="teaching_credits")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey("courses.Teacher", null=True, on_delete=models.SET_NULL, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    cause = models.CharField(_("原因"), max_length=16, choices=Cause.choices)
    # The ledger is partitioned by year on PostgreSQL: no database foreign key can point at its id
    # alone (credits migration 0005), and ledger rows are never deleted.
    record = models.ForeignKey(
        "credits.HourRecord", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    reversal = models.ForeignKey(
        "credits.HourRecord", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_cause = models.CharField(_("撤销原因"), max_length=16, choices=Cause.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # A pending credit of a closed year, decided by a bureau correction (credited or declined).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("更正理由"), blank=True)

    class Meta:
        verbose_name = _("授课学时")
        verbose_name_plural = _("授课学时")
        ordering = ["campaign_id", "recommendation_id", "person_id", "id"]
        constraints = [
            # Once per person per course per campaign (the guard under concurrent confirmations).
            models.UniqueConstraint(
                fields=["campaign", "recommendation", "person"],
                condition=models.Q(status__in=["credited", "pending"]),
                name="teaching_credit_once_per_person",
            )
        ]

    def __str__(self):
        return f"{self.campaign_id} · {self.recommendation_id} · {self.person_id} · {self.status}"
