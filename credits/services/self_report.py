"""A professional's own offline or other hours (个人申报): pending until the employer decides."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import employer_of
from courses.models import Category
from portal.hours import TENTH

from ..models import ConversionRule, HourRecord
from ..selectors import policy_for
from .calendar import hours_count_in_year_completed
from .ledger import MAX_RECORD_HOURS, _insert, parse_hours


def _own_ref(professional: User, external_ref: str) -> str:
    """Self-reports are all recorded by the employer, so a person's own ref is scoped to the person:
    two colleagues choosing the same ref get two records, never each other's."""
    external_ref = (external_ref or "").strip()
    return f"u{professional.pk}:{external_ref}"[:100] if external_ref else ""


def self_report_hours(
    *,
    professional: User,
    year: int,
    title: str,
    completed_on: datetime.date,
    conversion_rule: ConversionRule | None = None,
    quantity: Decimal | None = None,
    category: str | None = None,
    hours=None,
    proof=None,
    external_ref: str = "",
) -> tuple[HourRecord, bool]:
    """A professional's own offline or other hours: pending until the employer approves them.
    With a conversion rule, hours = quantity × the rule's hours per unit."""
    policy = policy_for(year=year)
    employer = employer_of(professional)
    if employer is None:
        raise ValidationError(_("您尚未登记工作单位，无法申报学时，请联系单位管理员。"), code="no_employer")
    if conversion_rule is not None:
        if conversion_rule.policy_id != policy.pk:
            raise ValidationError({"conversion_rule": _("该折算规则不属于所选年度。")}, code="rule_year")
        try:
            quantity = parse_hours(quantity)
        except ValidationError:
            raise ValidationError({"quantity": _("数量必须大于0，最多一位小数。")}, code="quantity_invalid") from None
        hours = (conversion_rule.hours_per_unit * quantity).quantize(TENTH)
        category = conversion_rule.category
    else:
        try:
            hours = parse_hours(hours)
        except ValidationError as exc:
            raise ValidationError({"hours": exc.messages[0]}, code=exc.code) from None
    if category not in Category.values:
        raise ValidationError({"category": _("请选择科目类别。")}, code="category_invalid")
    if hours > MAX_RECORD_HOURS:
        raise ValidationError({"hours": _("单条记录学时过大。")}, code="hours_too_large")
    try:
        hours_count_in_year_completed(policy=policy, completed_on=completed_on)
    except ValidationError as exc:
        raise ValidationError({"completed_on": exc.messages[0]}, code=exc.code) from None
    record = HourRecord(
        professional=professional,
        year=year,
        completed_on=completed_on,
        category=category,
        hours=hours,
        title=(title or (conversion_rule.name if conversion_rule else ""))[:200],
        source=HourRecord.Source.SELF_REPORTED,
        recorded_by=employer,
        submitted_by=professional,
        external_ref=_own_ref(professional, external_ref),
        conversion_rule=conversion_rule,
        quantity=quantity if conversion_rule else None,
        status=HourRecord.Status.PENDING,
    )
    if proof is not None:
        record.proof = proof
    return _insert(record)
