"""Generated documents (stored once per input and reused) and the jobs that make them."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from portal.uploads import upload_to


class Kind(models.TextChoices):
    ATTACHMENT1 = "attachment1", _("附件1 专业技术人员继续教育指南")
    ATTACHMENT2 = "attachment2", _("附件2 继续教育学习平台信息统计表")
    ATTACHMENT3 = "attachment3", _("附件3 优质在线公需课推荐表")
    ATTACHMENT4 = "attachment4", _("附件4 知识产权保护承诺书")
    HOURS_CERTIFICATE = "hours_certificate", _("学时证明")
    TEACHER_CERTIFICATE = "teacher_certificate", _("优秀师资特聘证书")
    PACKAGE = "package", _("报送材料包（附件1-4）")


class Format(models.TextChoices):
    DOCX = "docx", _("Word")
    PDF = "pdf", _("PDF")
    ZIP = "zip", _("ZIP 压缩包")


class GeneratedDocument(models.Model):
    """A finished file. Rows exist only for complete files: the file is saved first, then the row."""

    kind = models.CharField(_("文书类型"), max_length=32, choices=Kind.choices)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    owner_organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属人员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    # sha256 of (kind, format, owner, the input dataclass): the same request for unchanged
    # data finds this row and reuses the file.
    cache_key = models.CharField(max_length=64, unique=True)
    file = models.FileField(_("文件"), upload_to=upload_to("documents"), max_length=200)
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("生成的文书")
        verbose_name_plural = _("生成的文书")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename


def heartbeat_cutoff(now):
    """A running job whose last heartbeat is older than this has lost its worker."""
    return now - timedelta(seconds=settings.DOCUMENTS_HEARTBEAT_TIMEOUT)


def stale_jobs(now) -> models.Q:
    """Unfinished jobs whose worker is gone: no progress for longer than any job may run (a
    message lost on the way), or running without a heartbeat for DOCUMENTS_HEARTBEAT_TIMEOUT
    (the process running it was killed)."""
    unfinished = models.Q(status__in=[DocumentJob.Status.PENDING, DocumentJob.Status.RUNNING])
    no_progress = models.Q(updated_at__lt=now - timedelta(seconds=settings.DOCUMENTS_JOB_TIME_LIMIT))
    no_heartbeat = models.Q(status=DocumentJob.Status.RUNNING, heartbeat_at__lt=heartbeat_cutoff(now))
    return unfinished & (no_progress | no_heartbeat)


class DocumentJob(models.Model):
    """One request to generate documents, with progress for the page that polls it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("文书类型"), max_length=32, choices=Kind.choices)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="document_jobs"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0, validators=[MaxValueValidator(100)])
    message = models.TextField(_("说明"), blank=True)
    result = models.ForeignKey(
        GeneratedDocument, verbose_name=_("结果"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Written every few seconds by the process running the job (documents.heartbeat): a running
    # job whose heartbeat stopped lost its worker, long before DOCUMENTS_JOB_TIME_LIMIT.
    heartbeat_at = models.DateTimeField(_("心跳时间"), default=timezone.now)

    class Meta:
        verbose_name = _("文书生成任务")
        verbose_name_plural = _("文书生成任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="document_job_progress_0_100", condition=models.Q(progress__lte=100)),
            models.CheckConstraint(
                name="document_job_done_has_result", condition=~models.Q(status="done") | models.Q(result__isnull=False)
            ),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="document_job_by_user")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stale(self) -> bool:
        """Unfinished and its worker is gone (see stale_jobs)."""
        now = timezone.now()
        if self.is_finished:
            return False
        if self.updated_at < now - timedelta(seconds=settings.DOCUMENTS_JOB_TIME_LIMIT):
            return True
        return self.status == self.Status.RUNNING and self.heartbeat_at < heartbeat_cutoff(now)

    @property
    def progress_step(self) -> int:
        """Progress rounded down to the 5 % steps portal.css has width classes for."""
        return self.progress - self.progress % 5
