"""The record of each hours import (批量导入学时记录): who uploaded which file when, and what came of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class HoursImport(models.Model):
    """One upload on the import page, kept whatever its outcome: a refused file stored no record
    (imports are all rows or none), and its errors are kept as they were shown."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("导入单位"), on_delete=models.PROTECT, related_name="hours_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    file_name = models.CharField(_("文件名"), max_length=200)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增记录数"), default=0)
    existing = models.PositiveIntegerField(_("已存在记录数"), default=0)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    # The messages as the page showed them (at most MAX_KEPT_ERRORS); error_count counts them all.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)

    class Meta:
        verbose_name = _("学时导入记录")
        verbose_name_plural = _("学时导入记录")
        ordering = ["-uploaded_at", "-id"]
        # The import page lists one unit's imports, newest first (credits.selectors.imports_of).
        indexes = [models.Index(fields=["organisation", "-uploaded_at", "-id"], name="hours_import_by_unit")]

    def __str__(self):
        return f"{self.file_name} ({self.get_outcome_display()})"
