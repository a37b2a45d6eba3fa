"""The append-only hour ledger."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from courses.models import Category
from portal.uploads import upload_to

from .policy import ConversionRule


class ImmutableRecordError(ValidationError):
    """Raised when code tries to change or delete a decided ledger record."""


class HourRecordQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=HourRecord.Status.APPROVED)

    def pending(self):
        return self.filter(status=HourRecord.Status.PENDING)

    def delete(self):
        if self.exclude(status=HourRecord.Status.PENDING).exists():
            raise ImmutableRecordError(_("已审核的学时记录不可删除，请登记冲正记录。"))
        return super().delete()


class HourRecord(models.Model):
    """One line of the append-only ledger. Approved and rejected lines never change; a mistake
    is fixed by a correction line with negative hours that `reverses` the original."""

    class Source(models.TextChoices):
        PLATFORM = "platform", _("平台课程学习")
        OFFLINE = "offline", _("线下培训")
        SELF_REPORTED = "self_reported", _("个人申报（附证明）")
        TEACHING = "teaching", _("优质课程授课学时")
        CORRECTION = "correction", _("冲正")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专业技术人员"), on_delete=models.PROTECT, related_name="hour_records"
    )
    year = models.PositiveSmallIntegerField(_("计入年度"))
    completed_on = models.DateField(_("完成日期"))
    category = models.CharField(_("科目类别"), max_length=16, choices=Category.choices)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    title = models.CharField(_("内容"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("课程"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    training = models.ForeignKey(
        "courses.WorkPlanTraining",
        verbose_name=_("工作计划培训项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        Organisation, verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="hour_records"
    )
    # PROTECT, not SET_NULL: decided rows are immutable, so who submitted and decided them stays.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    external_ref = models.CharField(_("外部编号"), max_length=100, blank=True)
    conversion_rule = models.ForeignKey(
        ConversionRule, verbose_name=_("折算规则"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("数量"), max_digits=6, decimal_places=1, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    # A self-report past the year policy's self_report_bureau_threshold: decided by the city
    # bureau of the person's employer, not by the employer (credits.selectors.records_decidable_by).
    # A database default too, so raw loads (COPY) that do not name the column keep working.
    bureau_review = models.BooleanField(_("由市人社局审核"), default=False, db_default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("说明/理由"), blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    # A returned self-report corrected and sent again is a new record (the returned one stays as
    # decided): `resubmission_of` the version it corrects, `first_version` the chain's first record
    # (one query finds every version), `version` its number. Plain columns on SQLite; on PostgreSQL
    # composite keys (…, year) -> (id, year) of the partitioned ledger (migration 0008), and one
    # resubmission per returned version is `hour_record_one_resubmission`.
    resubmission_of = models.ForeignKey(
        "self",
        verbose_name=_("修改前的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="resubmissions",
    )
    first_version = models.ForeignKey(
        "self",
        verbose_name=_("第一版"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1, db_default=1)
    proof = models.FileField(_("证明材料"), upload_to=upload_to("hour-proofs"), blank=True, max_length=200)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = HourRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="hour_record_positive_unless_correction",
                condition=(~Q(source="correction") & Q(hours__gt=0)) | (Q(source="correction") & ~Q(hours=0)),
            ),
            models.CheckConstraint(
                name="hour_record_correction_reverses",
                condition=(Q(source="correction") & Q(reverses__isnull=False))
                | (~Q(source="correction") & Q(reverses__isnull=True)),
            ),
            # Idempotent intake: a platform posting the same completion twice gets the first record back.
            models.UniqueConstraint(
                fields=["recorded_by", "external_ref"],
                condition=~Q(external_ref=""),
                name="hour_record_unique_external_ref",
            ),
            # Once per course (and per work-plan training) per person and year, whatever the ref
            # (credits.services.intake answers 409 naming the first). A rejected record frees the
            # slot; a reversed one keeps it: the bureau decided that course does not count that year.
            models.UniqueConstraint(
                fields=["professional", "course", "year"],
                condition=Q(course__isnull=False, source__in=["platform", "offline"]) & ~Q(status="rejected"),
                name="hour_record_once_per_course",
            ),
            models.UniqueConstraint(
                fields=["professional", "training", "year"],
                condition=Q(training__isnull=False) & ~Q(status="rejected"),
                name="hour_record_once_per_training",
            ),
            models.CheckConstraint(
                name="hour_record_training_is_offline",
                condition=Q(training__isnull=True) | Q(source="offline"),
            ),
            # Each returned version is sent again at most once (credits.services.resubmit), in its year.
            models.UniqueConstraint(fields=["resubmission_of", "year"], name="hour_record_one_resubmission"),
            models.CheckConstraint(
                name="hour_record_versions_linked",
                condition=Q(resubmission_of__isnull=True, first_version__isnull=True, version=1)
                | Q(resubmission_of__isnull=False, first_version__isnull=False, version__gt=1, source="self_reported"),
            ),
        ]
        indexes = [
            # me/hours and the summary rebuild: one person's records of a year.
            models.Index(fields=["professional", "year", "status"], name="hour_record_person_year"),
            # The employer's approval queue: pending records addressed to one organisation.
            models.Index(fields=["recorded_by", "created_at"], condition=Q(status="pending"), name="hour_record_queue"),
        ]

    def __str__(self):
        return f"{self.professional} {self.year} {self.get_category_display()} {self.hours}"

    def save(self, *args, **kwargs):
        if not self._state.adding and getattr(self, "_loaded_status", self.Status.PENDING) != self.Status.PENDING:
            raise ImmutableRecordError(_("已审核的学时记录不可修改，请登记冲正记录。"))
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args, **kwargs):
        if getattr(self, "_loaded_status", self.status) != self.Status.PENDING:
            raise ImmutableRecordError(_("已审核的学时记录不可删除，请登记冲正记录。"))
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def is_reversed(self) -> bool:
        return hasattr(self, "reversal")
