"""Expert review: assignments, conflicts of interest, scores, assignments released for a conflict."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .recommendations import Recommendation


class Assignment(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["recommendation_id", "id"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "expert"], name="assignment_unique")]

    def __str__(self):
        return f"{self.recommendation_id} · {self.expert_id}"


class ConflictOfInterest(models.Model):
    class Type(models.TextChoices):
        SAME_UNIT = "same_unit", _("本单位")
        FORMER_UNIT = "former_unit", _("曾任职单位")
        CO_AUTHOR = "co_author", _("合作者")
        TEACHER = "teacher", _("本课程授课教师")
        COLLEAGUE = "colleague", _("与授课教师同单位")
        FORMER_COLLEAGUE = "former_colleague", _("与授课教师曾同单位")
        DECLARED = "declared", _("其他（本人申报）")

    class Source(models.TextChoices):
        DETECTED = "detected", _("系统识别")
        DECLARED = "declared", _("专家申报")

    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="conflicts")
    type = models.CharField(_("回避类型"), max_length=16, choices=Type.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避记录")
        verbose_name_plural = _("回避记录")
        constraints = [
            models.UniqueConstraint(fields=["expert", "recommendation", "type"], name="conflict_unique_type")
        ]

    def __str__(self):
        return f"{self.expert_id} · {self.recommendation_id} · {self.type}"


class Score(models.Model):
    """One expert's scores on one course: `values` maps criterion code to the score given."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="score")
    values = models.JSONField(_("各项得分"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")

    def __str__(self):
        return f"{self.assignment_id}: {self.total}"


class ReleasedAssignment(models.Model):
    """A review assignment removed because a conflict of interest appeared after it was made;
    listed for the association (the course is re-assigned automatically while review is open)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="released_assignments")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="released_assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    types = models.JSONField(_("回避类型"))
    had_score = models.BooleanField(_("已评分（评分作废）"), default=False)
    replacements = models.PositiveSmallIntegerField(_("已补充分配专家数"), default=0)
    created_at = models.DateTimeField(_("撤销时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("因回避撤销的评审分配")
        verbose_name_plural = _("因回避撤销的评审分配")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.recommendation_id} · {self.expert_id}"

    @property
    def type_labels(self) -> list[str]:
        return [str(ConflictOfInterest.Type(t).label) for t in self.types if t in ConflictOfInterest.Type.values]
