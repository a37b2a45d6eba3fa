"""Calls for materials (报送通知), the units' submissions and every version of their files.

Notice, 四、其他事项: materials are sent "请于4月底前……报送", titled
"XXX（市、部门、单位）2022年度继续教育材料", as both a Word and a PDF version. Nothing a unit
sent is overwritten: each upload is a new `SubmissionVersion`, each action a `SubmissionEvent`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from portal.uploads import upload_to


def default_reminder_days() -> list[int]:
    return [7, 1]


class Call(models.Model):
    """One year's call for one kind of material from one kind of unit."""

    class Audience(models.TextChoices):
        # Who must answer, in the notice's words; see selectors.expected_units.
        DEPARTMENTS = "departments", _("省级行业主管部门（学习指南或工作通知）")
        CE_BASES = "ce_bases", _("国家级、省级继续教育基地（年度工作计划）")
        CITY_BUREAUS = "city_bureaus", _("设区的市人社局（继续教育工作通知）")
        EVALUATION_ENTRANTS = "evaluation_entrants", _("参加优质在线公需课评选的单位（附件3、附件4）")

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    name = models.CharField(_("报送事项"), max_length=200)
    material = models.CharField(_("报送材料"), max_length=200)
    audience = models.CharField(_("报送单位范围"), max_length=32, choices=Audience.choices)
    receiver = models.ForeignKey(
        Organisation, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="received_calls"
    )
    deadline = models.DateTimeField(_("报送截止时间"))
    description = models.TextField(_("说明"), blank=True)
    reminder_days = models.JSONField(
        _("提前提醒天数"), default=default_reminder_days, help_text=_("截止前多少天邮件提醒未报送单位，如 [7, 1]。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("材料报送通知")
        verbose_name_plural = _("材料报送通知")
        ordering = ["-year", "deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "audience", "receiver"], name="call_unique_per_year")]

    def __str__(self):
        return f"{self.year} {self.name}"

    @property
    def is_study_guide(self) -> bool:
        return self.audience == self.Audience.DEPARTMENTS

    @property
    def is_generated(self) -> bool:
        """Attachments 3 and 4 are made from the unit's recommendations and pledges in the
        evaluation; nothing is uploaded for them."""
        return self.audience == self.Audience.EVALUATION_ENTRANTS


class Extension(models.Model):
    """A later deadline granted to one unit for one call, with the reason."""

    call = models.ForeignKey(Call, verbose_name=_("报送通知"), on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField(_("延长至"))
    reason = models.CharField(_("延期原因"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("延期报送")
        verbose_name_plural = _("延期报送")
        constraints = [models.UniqueConstraint(fields=["call", "unit"], name="extension_one_per_unit")]

    def __str__(self):
        return f"{self.unit} · {self.call} → {self.deadline:%Y-%m-%d %H:%M}"


class Submission(models.Model):
    """A unit's answer to a call: one per (call, unit); its files live in versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("退回修改")
        RESUBMITTED = "resubmitted", _("已重新报送")
        ACCEPTED = "accepted", _("已通过")

    call = models.ForeignKey(Call, verbose_name=_("报送通知"), on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(
        Organisation, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="submissions"
    )
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    current_version = models.ForeignKey(
        "SubmissionVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    resubmit_by = models.DateTimeField(_("重新报送期限"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        ordering = ["-updated_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "unit"], name="submission_one_per_unit_and_call")]

    def __str__(self):
        return self.title

    @property
    def is_sent(self) -> bool:
        """The unit has sent it (a draft is not sent)."""
        return self.status != self.Status.DRAFT


class SubmissionVersion(models.Model):
    """One upload of both files. Versions are only ever added, never changed."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("报送材料"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    word_file = models.FileField(_("Word版"), upload_to=upload_to("submissions/word"), max_length=200)
    pdf_file = models.FileField(_("PDF版"), upload_to=upload_to("submissions/pdf"), max_length=200)
    word_name = models.CharField(_("Word原文件名"), max_length=200)
    pdf_name = models.CharField(_("PDF原文件名"), max_length=200)
    word_size = models.PositiveBigIntegerField(_("Word大小"))
    # Made from the unit's learning platforms when it sends its own materials ("一并报送").
    attachment2_word = models.FileField(
        _("附件2 学习平台信息统计表（Word）"),
        upload_to=upload_to("submissions/attachment2"),
        max_length=200,
        blank=True,
    )
    pdf_size = models.PositiveBigIntegerField(_("PDF大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the service to the moment it was sent (the demo passes April 2022 dates).
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("材料版本")
        verbose_name_plural = _("材料版本")
        ordering = ["submission_id", "number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="version_unique_number")]

    def __str__(self):
        return f"{self.submission} v{self.number}"


class SubmissionEvent(models.Model):
    """The history: who did what, when, with which comment."""

    class Action(models.TextChoices):
        SAVED_DRAFT = "saved_draft", _("保存草稿")
        SUBMITTED = "submitted", _("报送")
        RETURNED = "returned", _("退回修改")
        RESUBMITTED = "resubmitted", _("重新报送")
        ACCEPTED = "accepted", _("审核通过")

    submission = models.ForeignKey(
        Submission, verbose_name=_("报送材料"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.ForeignKey(
        SubmissionVersion, verbose_name=_("版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["submission_id", "created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.submission}"


class ReminderSent(models.Model):
    """A deadline reminder already mailed: one per (call, unit, days before), so none goes twice."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField(_("提前天数"))
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("截止提醒")
        verbose_name_plural = _("截止提醒")
        constraints = [
            models.UniqueConstraint(fields=["call", "unit", "days_before"], name="reminder_once_per_mark"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.call} · {self.days_before}"


class ReminderFailure(models.Model):
    """A deadline reminder the mail server refused: shown to the call's reviewers, and tried again
    on the next run (no ReminderSent row was kept for it)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reminder_failures")
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField(_("提前天数"))
    recipients = models.JSONField(default=list)
    error = models.CharField(_("错误"), max_length=500)
    failed_at = models.DateTimeField(_("失败时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("截止提醒发送失败")
        verbose_name_plural = _("截止提醒发送失败")
        ordering = ["-failed_at", "-id"]

    def __str__(self):
        return f"{self.unit} · {self.call} · {self.days_before}"


class StagedUpload(models.Model):
    """A file that passed its checks on a send form whose other file did not: kept so the unit
    re-picks only the bad one. Only its uploader may use it, for the same call and unit; it is
    removed once the materials are sent, and after a day in any case (submissions.staging)."""

    class Field(models.TextChoices):
        WORD = "word_file", _("Word版")
        PDF = "pdf_file", _("PDF版")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=16, choices=Field.choices)
    file = models.FileField(upload_to=upload_to("submissions/staged"), max_length=200)
    original_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("暂存的上传文件")
        verbose_name_plural = _("暂存的上传文件")
        indexes = [models.Index(fields=["created_at"], name="staged_upload_created")]

    def __str__(self):
        return self.original_name
