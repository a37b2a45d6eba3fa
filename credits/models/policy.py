"""The yearly hour requirement set by the provincial bureau and its conversion rules."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.models import Category
from portal.formats import format_hours


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
    # Past this, a person's self-reported hours of the year are decided by the city bureau, not
    # only by the employer (credits.selectors.records_decidable_by, credits.services.self_report).
    self_report_bureau_threshold = models.DecimalField(
        _("个人申报转市人社局审核阈值（学时）"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("一人本年度个人申报的学时合计超过此数时，超出的申报由其单位所在市的人社局审核。空表示不设阈值。"),
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
            models.CheckConstraint(
                name="policy_self_report_threshold_positive",
                condition=Q(self_report_bureau_threshold__isnull=True) | Q(self_report_bureau_threshold__gt=0),
            ),
        ]

    def __str__(self):
        return _("%(year)s年度学时要求") % {"year": self.year}

    def self_report_max_hours(self) -> Decimal | None:
        """The most one self-report may claim this year: the largest that one of the year's
        conversion rules grants for one record (hours per unit x units per record). None when the
        year has no rules: then there is nothing to derive a maximum from."""
        return max((rule.max_hours() for rule in self.conversion_rules.all()), default=None)


class ConversionRule(models.Model):
    """How one kind of activity converts to hours in a year (e.g. a published paper, a conference day)."""

    policy = models.ForeignKey(
        YearPolicy, verbose_name=_("年度政策"), on_delete=models.CASCADE, related_name="conversion_rules"
    )
    name = models.CharField(_("活动类型"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=16, help_text=_("如：篇、天、学期"))
    hours_per_unit = models.DecimalField(_("每单位学时"), max_digits=5, decimal_places=1)
    category = models.CharField(_("计入类别"), max_length=16, choices=Category.choices)
    max_units = models.DecimalField(
        _("每条申报最多数量"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("1.0"),
        help_text=_("一条个人申报按此规则最多折算的数量，如论文1篇、学术会议5天。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("学时折算规则")
        verbose_name_plural = _("学时折算规则")
        ordering = ["policy", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "name"], name="conversion_rule_unique_name"),
            models.CheckConstraint(name="conversion_rule_hours_positive", condition=Q(hours_per_unit__gt=0)),
            models.CheckConstraint(name="conversion_rule_max_units_positive", condition=Q(max_units__gt=0)),
        ]

    def __str__(self):
        return _("%(name)s（每%(unit)s %(hours)s 学时）") % {
            "name": self.name,
            "unit": self.unit,
            "hours": format_hours(self.hours_per_unit),
        }

    def max_hours(self) -> Decimal:
        """The most one self-report under this rule may claim."""
        return self.hours_per_unit * self.max_units
