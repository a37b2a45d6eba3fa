"""The hour ledger: yearly policies, append-only hour records, per-year summaries, certificates."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from courses.models import Category
from portal.uploads import upload_to


class YearPolicy(models.Model):
    """One year's hour requirement (学时要求) and its conversion rules, set by the provincial bureau."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    min_total = models.DecimalField(_("年度总学时下限"), max_digits=5, decimal_places=1)
    min_public = models.DecimalField(_("公需课学时下限"), max_digits=5, decimal_places=1)
    min_professional = models.DecimalField(_("专业课学时下限"), max_digits=5, decimal_places=1)
    teaching_credit_multiplier = models.DecimalField(
        _("授课教师学时倍数"),
        max_digits=4,
        decimal_places=2,
        help_text=_("入选优质在线公需课的授课教师，按照课程课时的该倍数计算年度继续教育学时。"),
    )
    teaching_credit_category = models.CharField(
        _("授课学时计入类别"), max_length=16, choices=Category.choices, default=Category.PUBLIC
    )
    # When hours of the year may still be registered (credits.selectors.registration_window):
    # hours count in the year completed; after `closes_on` nothing new counts for the year, except
    # completions from `grace_from` on, registered by `grace_until` (e.g. December hours in January).
    closes_on = models.DateField(
        _("年度登记截止日期"),
        null=True,
        blank=True,
        help_text=_("此日期后不再登记本年度学时（市人社局冲正除外，记入审计日志）。空表示尚未截止。"),
    )
    grace_from = models.DateField(_("宽限期适用的完成日期起"), null=True, blank=True, help_text=_("如：12月1日。"))
    grace_until = models.DateField(
        _("宽限期登记截止日期"), null=True, blank=True, help_text=_("如：次年1月31日。宽限期内完成的学时可登记至此日。")
    )
    review_threshold = models.DecimalField(
        _("单位登记复核阈值（学时）"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("同一单位为同一人登记的本年度学时合计超过此数时，超出的记录转用人单位审核。空表示不设阈值。"),
    )
    mandatory_binding = models.BooleanField(
        _("专门要求计入达标"),
        default=False,
        help_text=_("勾选后，行业主管部门、市人社局的专门学习要求未完成的，年度学时不达标。"),
    )
    notes = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度学时政策")
        verbose_name_plural = _("年度学时政策")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="policy_minimums_non_negative",
                condition=Q(min_total__gte=0) & Q(min_public__gte=0) & Q(min_professional__gte=0),
            ),
            models.CheckConstraint(name="policy_multiplier_positive", condition=Q(teaching_credit_multiplier__gt=0)),
            models.CheckConstraint(
                name="policy_grace_window_complete",
                condition=(Q(grace_from__isnull=True) & Q(grace_until__isnull=True))
                | (Q(grace_from__isnull=False) & Q(grace_until__gt=F("grace_from"))),
            ),
            models.CheckConstraint(
                name="policy_review_threshold_positive",
                condition=Q(review_threshold__isnull=True) | Q(review_threshold__gt=0),
            ),
        ]

    def __str__(self):
        return _("%(year)s年度学时要求") % {"year": self.year}


class ConversionRule(models.Model):
    """How one kind of activity converts to hours in a year (e.g. a published paper, a conference day)."""

    policy = models.ForeignKey(
        YearPolicy, verbose_name=_("年度政策"), on_delete=models.CASCADE, related_name="conversion_rules"
    )
    name = models.CharField(_("活动类型"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=16, help_text=_("如：篇、天、学期"))
    hours_per_unit = models.DecimalField(_("每单位学时"), max_digits=5, decimal_places=1)
    category = models.CharField(_("计入类别"), max_length=16, choices=Category.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("学时折算规则")
        verbose_name_plural = _("学时折算规则")
        ordering = ["policy", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "name"], name="conversion_rule_unique_name"),
            models.CheckConstraint(name="conversion_rule_hours_positive", condition=Q(hours_per_unit__gt=0)),
        ]

    def __str__(self):
        return _("%(name)s（每%(unit)s %(hours)s 学时）") % {
            "name": self.name,
            "unit": self.unit,
            "hours": self.hours_per_unit,
        }


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


class YearSummary(models.Model):
    """Approved hours per professional and year, kept equal to the ledger by the services that
    approve records (same transaction, row-locked)."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专业技术人员"),
        on_delete=models.CASCADE,
        related_name="year_summaries",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    public_hours = models.DecimalField(_("公需课学时"), max_digits=7, decimal_places=1, default=Decimal("0.0"))
    professional_hours = models.DecimalField(_("专业课学时"), max_digits=7, decimal_places=1, default=Decimal("0.0"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度学时汇总")
        verbose_name_plural = _("年度学时汇总")
        constraints = [
            models.UniqueConstraint(fields=["professional", "year"], name="year_summary_unique"),
        ]
        indexes = [
            # Rosters and reports join staff to the summaries of one year.
            models.Index(fields=["year", "professional"], name="year_summary_year"),
        ]

    def __str__(self):
        return f"{self.professional_id} {self.year}"

    @property
    def total_hours(self) -> Decimal:
        return self.public_hours + self.professional_hours


class HoursCertificate(models.Model):
    """A 学时证明 for a compliant year, with a snapshot of the figures and an unguessable code."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专业技术人员"),
        on_delete=models.PROTECT,
        related_name="hour_certificates",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("验证码"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    name = models.CharField(_("姓名"), max_length=64)
    masked_id_number = models.CharField(_("身份证号（脱敏）"), max_length=18)
    employer_name = models.CharField(_("工作单位"), max_length=128, blank=True)
    public_hours = models.DecimalField(_("公需课学时"), max_digits=7, decimal_places=1)
    professional_hours = models.DecimalField(_("专业课学时"), max_digits=7, decimal_places=1)
    total_hours = models.DecimalField(_("总学时"), max_digits=7, decimal_places=1)
    required_public = models.DecimalField(_("公需课要求"), max_digits=5, decimal_places=1)
    required_professional = models.DecimalField(_("专业课要求"), max_digits=5, decimal_places=1)
    required_total = models.DecimalField(_("总学时要求"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("学时证明")
        verbose_name_plural = _("学时证明")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["professional", "year"], name="certificate_person_year")]

    def __str__(self):
        return f"{self.year} {self.name} {self.code}"


class Requirement(models.Model):
    """省级行业主管部门、设区的市人力资源社会保障部门有专门要求的，专业技术人员须按要求学习。

    A department's requirement applies to the employers of its sector it lists; a city bureau's to
    every employer in its city. Either a required course, or a minimum of hours on a topic."""

    class Kind(models.TextChoices):
        COURSE = "course", _("指定课程")
        TOPIC_HOURS = "topic_hours", _("专题学时")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("提出单位"), on_delete=models.PROTECT, related_name="learning_requirements"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("要求类型"), max_length=16, choices=Kind.choices)
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("指定课程"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(
        "courses.Topic", verbose_name=_("专题"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    min_hours = models.DecimalField(_("最低学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    employers = models.ManyToManyField(
        Organisation,
        verbose_name=_("适用单位（行业主管部门填写本行业单位）"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.EMPLOYER},
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专门学习要求")
        verbose_name_plural = _("专门学习要求")
        ordering = ["year", "organisation_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="requirement_kind_fields",
                condition=(
                    Q(kind="course", course__isnull=False, topic__isnull=True, min_hours__isnull=True)
                    | Q(kind="topic_hours", course__isnull=True, topic__isnull=False, min_hours__gt=0)
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "course"],
                condition=Q(course__isnull=False),
                name="requirement_unique_course",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "topic"],
                condition=Q(topic__isnull=False),
                name="requirement_unique_topic",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.COURSE:
            return _("必修课程：%(title)s") % {"title": self.course.title}
        return _("%(topic)s 不少于 %(hours)s 学时") % {"topic": self.topic.name, "hours": self.min_hours}
