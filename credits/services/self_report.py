"""A professional's own offline or other hours (个人申报): pending until the employer decides."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import employer_of
from courses.models import Category
from portal.formats import cn_date, format_hours
from portal.hours import TENTH

from ..models import ConversionRule, HourRecord, YearPolicy
from ..selectors import policy_for
from .calendar import hours_count_in_year_completed, year_is_closed
from .ledger import MAX_RECORD_HOURS, _insert, parse_hours
from .locks import lock_years

PENDING, APPROVED = HourRecord.Status.PENDING, HourRecord.Status.APPROVED


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
    resubmission_of: HourRecord | None = None,
) -> tuple[HourRecord, bool]:
    """A professional's own offline or other hours: pending until decided ("个人申报（附证明）").
    With a conversion rule, hours = quantity × the rule's hours per unit. A proof file is required
    on every path; the hours may not exceed the year's per-record maximum (`self_report_limit`);
    past the policy's self-report threshold the record is decided by the city bureau
    (`goes_to_city_bureau`). `resubmission_of`: the returned version this one corrects
    (`resubmit_self_report`)."""
    policy = policy_for(year=year)
    if not proof:
        raise ValidationError({"proof": _("个人申报须上传证明材料（PDF、JPG、PNG）。")}, code="proof_required")
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
    self_report_limit(policy=policy, conversion_rule=conversion_rule, hours=hours)
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
    record.proof = proof
    with transaction.atomic():
        # Read under the person's (person, year) lock: two reports sent at once are counted in turn.
        lock_years(scope="person", keys=[(professional.pk, year)])
        if resubmission_of is not None:
            _link_version(record, resubmission_of)
        record.bureau_review = goes_to_city_bureau(
            policy=policy, professional_id=professional.pk, year=year, hours=hours, statuses=(PENDING, APPROVED)
        )
        return _insert(record)


def self_report_limit(*, policy: YearPolicy, conversion_rule: ConversionRule | None, hours: Decimal) -> None:
    """The most one self-report may claim, derived from the year's conversion rules: under a rule,
    that rule's hours per unit x its units per record; without one, the largest any rule allows.
    A year without rules has no maximum to derive, so it takes no self-reports."""
    maximum = conversion_rule.max_hours() if conversion_rule is not None else policy.self_report_max_hours()
    if maximum is None:
        raise ValidationError(
            {"hours": _("%(year)s年度未设置学时折算规则，暂不能个人申报学时。") % {"year": policy.year}},
            code="no_conversion_rules",
        )
    if hours > maximum:
        message = _("个人申报每条不能超过 %(max)s 学时（依%(year)s年度学时折算规则），本条为 %(hours)s 学时。")
        raise ValidationError(
            {"hours": message % {"max": format_hours(maximum), "year": policy.year, "hours": format_hours(hours)}},
            code="over_self_report_maximum",
        )


def goes_to_city_bureau(*, policy: YearPolicy, professional_id: int, year: int, hours: Decimal, statuses) -> bool:
    """Past the policy's self-report threshold, a person's self-reported hours of the year go to
    the city bureau for decision, not only to the employer. Counts the person's self-reports of the
    year in `statuses` plus `hours`; the caller holds the (person, year) lock."""
    threshold = policy.self_report_bureau_threshold
    if threshold is None:
        return False
    so_far = (
        HourRecord.objects.filter(
            professional_id=professional_id, year=year, source=HourRecord.Source.SELF_REPORTED, status__in=statuses
        ).aggregate(total=Sum("hours"))["total"]
        or 0
    )
    return so_far + hours > threshold


def resubmission_refusal(*, record: HourRecord, policy: YearPolicy, resubmitted: bool) -> str:
    """Why a self-report may not be corrected and sent again, or "" when it may: only a returned
    (未通过) self-report, once (`resubmitted`: a later version exists), while its year still takes
    registrations. The pages show the link and the service refuses on the same answer."""
    if record.source != HourRecord.Source.SELF_REPORTED or record.status != HourRecord.Status.REJECTED:
        return _("只有单位退回（未通过）的个人申报可以修改后重新提交。")
    if resubmitted:
        return _("该申报已修改后重新提交过，请查看最新版本。")
    if year_is_closed(policy=policy):
        deadline = max(policy.closes_on, policy.grace_until) if policy.grace_until else policy.closes_on
        return _("%(year)s年度学时登记已于%(date)s截止，不能再重新提交。") % {
            "year": policy.year,
            "date": cn_date(deadline),
        }
    return ""


def resubmit_self_report(
    *,
    professional: User,
    record_id: int,
    title: str,
    completed_on: datetime.date,
    conversion_rule: ConversionRule | None = None,
    quantity: Decimal | None = None,
    category: str | None = None,
    hours=None,
    proof=None,
) -> HourRecord:
    """退回修改后重新提交: the owner of a returned self-report sends it again, corrected, as a new
    pending version of the same year linked to the returned one, which stays as it was decided.
    Every limit of a new self-report applies (`self_report_hours`); without a new proof file the
    returned version's proof is kept. Anyone else's record is "not found"."""
    returned = HourRecord.objects.filter(
        pk=record_id, professional=professional, source=HourRecord.Source.SELF_REPORTED
    ).first()
    if returned is None:
        raise ValidationError(_("未找到该申报。"), code="not_found")
    policy = policy_for(year=returned.year)
    refusal = resubmission_refusal(
        record=returned, policy=policy, resubmitted=HourRecord.objects.filter(resubmission_of=returned).exists()
    )
    if refusal:
        raise ValidationError(refusal, code="not_resubmittable")
    try:
        record, _created = self_report_hours(
            professional=professional,
            year=returned.year,
            title=title,
            completed_on=completed_on,
            conversion_rule=conversion_rule,
            quantity=quantity,
            category=category,
            hours=hours,
            proof=proof or returned.proof.name,
            resubmission_of=returned,
        )
    except IntegrityError:
        # `hour_record_one_resubmission`: another request sent the same version again first.
        raise ValidationError(_("该申报已修改后重新提交过，请查看最新版本。"), code="not_resubmittable") from None
    return record


def _link_version(record: HourRecord, returned: HourRecord) -> None:
    """Under the person's (person, year) lock: the returned version, read again, is still the
    latest (two corrections sent at once make one version, the other is refused)."""
    if HourRecord.objects.filter(resubmission_of=returned).exists():
        raise ValidationError(_("该申报已修改后重新提交过，请查看最新版本。"), code="not_resubmittable")
    record.resubmission_of = returned
    record.first_version_id = returned.first_version_id or returned.pk
    record.version = returned.version + 1
