"""Records arriving: platforms' completions (approved on arrival, all-or-nothing batches,
idempotent on external_ref) and professionals' self-reports (pending until the employer decides)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role, User
from accounts.selectors import employer_of, roles_of
from accounts.services import audit
from accounts.validators import normalise_id_number, validate_id_number
from courses.models import Category, Course
from portal.hours import TENTH

from ..models import ConversionRule, HourRecord, YearPolicy
from ..selectors import policy_for
from .ledger import MAX_RECORD_HOURS, _apply_records, _check_completed_on, _insert, parse_hours

MAX_BULK_ROWS = 10_000
PLATFORM_ROLES = (Role.BASE_ADMIN, Role.CITY_STAFF)
PLATFORM_SOURCES = (HourRecord.Source.PLATFORM, HourRecord.Source.OFFLINE)


def platform_organisation_of(user) -> Organisation | None:
    """The CE base or city bureau whose learning platform this user posts for."""
    for grant in roles_of(user):
        if grant.role in PLATFORM_ROLES:
            return Organisation.objects.get(pk=grant.organisation_id)
    return None


@dataclass
class RowError:
    index: int
    errors: dict

    def as_dict(self) -> dict:
        return {"index": self.index, "errors": self.errors}


class BulkRejected(ValidationError):
    """Some rows are bad: nothing was stored. `row_errors` lists each bad row."""

    def __init__(self, row_errors: list[RowError], message: str | None = None):
        self.row_errors = row_errors
        super().__init__(
            message or _("有 %(n)s 行数据有误，全部未导入。") % {"n": len(row_errors)}, code="bulk_rejected"
        )


def _platform_records(*, organisation: Organisation, actor, rows: list[dict]) -> list[HourRecord]:
    """Validate every row (a few queries for the whole batch); raise BulkRejected listing all bad rows."""
    if len(rows) > MAX_BULK_ROWS:
        raise BulkRejected(
            [], _("单次最多提交 %(max)s 条记录，本次为 %(n)s 条。") % {"max": MAX_BULK_ROWS, "n": len(rows)}
        )
    id_numbers = {normalise_id_number(str(r.get("id_number") or "")) for r in rows}
    people = {
        u.id_number: u
        for u in User.objects.filter(
            id_number__in=id_numbers, memberships__role=Role.PROFESSIONAL, memberships__is_active=True
        )
    }
    course_ids = {r.get("course") for r in rows if r.get("course") not in (None, "")}
    courses = {
        c.pk: c
        for c in Course.objects.filter(pk__in=[c for c in course_ids if str(c).isdigit()]).select_related("platform")
    }
    policy_years = set(YearPolicy.objects.values_list("year", flat=True))
    records: list[HourRecord] = []
    errors: list[RowError] = []
    seen_refs: set[str] = set()
    for index, row in enumerate(rows):
        problems: dict[str, str] = {}

        def fail(field: str, exc: ValidationError, problems=problems) -> None:
            problems[field] = exc.messages[0]

        id_number = normalise_id_number(str(row.get("id_number") or ""))
        person = None
        try:
            validate_id_number(id_number)
            person = people.get(id_number)
            if person is None:
                problems["id_number"] = _("未找到该身份证号对应的专业技术人员。")
        except ValidationError as exc:
            fail("id_number", exc)
        raw_year = row.get("year")
        year = int(raw_year) if not isinstance(raw_year, bool) and str(raw_year).strip().isdigit() else None
        if year is None:
            problems["year"] = _("年度格式不正确。")
        if year is not None and year not in policy_years:
            problems["year"] = _("%(year)s年度的学时要求尚未设置。") % {"year": year}
        category = row.get("category")
        if category not in Category.values:
            problems["category"] = _("科目类别只能是 public（公需课）或 professional（专业课）。")
        hours = None
        try:
            hours = parse_hours(row.get("hours"))
        except ValidationError as exc:
            fail("hours", exc)
        course = None
        raw_course = row.get("course")
        if raw_course not in (None, ""):
            course = courses.get(int(raw_course)) if str(raw_course).isdigit() else None
            owns = course is not None and (
                course.provider_id == organisation.pk
                or (course.platform and course.platform.owner_id == organisation.pk)
            )
            if not owns:
                problems["course"] = _("该课程不存在或不属于本单位的学习平台。")
                course = None
            elif course.status != Course.Status.PUBLISHED:
                problems["course"] = _("该课程未发布，不能登记学时。")
            elif year is not None and not course.year_from <= year <= course.year_to + 1:
                # One year of grace: a December course confirmed in January counts for the new year.
                problems["course"] = _("该课程未在%(year)s年度开设。") % {"year": year}
            else:
                if category in Category.values and course.category != category:
                    problems["category"] = _("科目类别与课程类别不一致。")
                if hours is not None and hours > course.hours:
                    problems["hours"] = _("学时不能超过课程学时（%(h)s）。") % {"h": course.hours}
        source = row.get("source") or (HourRecord.Source.PLATFORM if course else HourRecord.Source.OFFLINE)
        if source not in PLATFORM_SOURCES:
            problems["source"] = _("平台只能登记平台课程学习或线下培训学时。")
        elif source == HourRecord.Source.PLATFORM and course is None and "course" not in problems:
            problems["course"] = _("平台课程学习记录必须指明课程。")
        completed_on = row.get("completed_on")
        if isinstance(completed_on, str):
            try:
                completed_on = datetime.date.fromisoformat(completed_on)
            except ValueError:
                completed_on = None
        if isinstance(completed_on, datetime.datetime):
            completed_on = completed_on.date()
        if not isinstance(completed_on, datetime.date):
            problems["completed_on"] = _("完成日期格式应为 YYYY-MM-DD。")
        elif year is not None:
            try:
                _check_completed_on(completed_on, year)
            except ValidationError as exc:
                fail("completed_on", exc)
        external_ref = str(row.get("external_ref") or "").strip()
        if not external_ref:
            problems["external_ref"] = _("请填写外部编号（平台内唯一的学习记录编号）。")
        elif len(external_ref) > 100:
            problems["external_ref"] = _("外部编号不能超过100个字符。")
        elif external_ref in seen_refs:
            problems["external_ref"] = _("同一批次中外部编号重复。")
        seen_refs.add(external_ref)
        title = str(row.get("title") or (course.title if course else ""))[:200]
        if problems:
            errors.append(RowError(index=index, errors=problems))
            continue
        records.append(
            HourRecord(
                professional=person,
                year=year,
                completed_on=completed_on,
                category=category,
                hours=hours,
                title=title,
                source=source,
                course=course,
                recorded_by=organisation,
                submitted_by=actor,
                external_ref=external_ref,
                status=HourRecord.Status.APPROVED,
                decided_by=actor,
                decided_at=timezone.now(),
            )
        )
    if errors:
        raise BulkRejected(errors)
    return records


def record_platform_hours(*, organisation: Organisation, actor, rows: list[dict]) -> list[tuple[HourRecord, bool]]:
    """Completions posted by a CE base's or city bureau's platform: approved on arrival,
    all rows or none, each external_ref stored once (a repeat returns the existing record)."""
    records = _platform_records(organisation=organisation, actor=actor, rows=rows)
    # A concurrent post of the same refs may commit between our check and our insert: the unique
    # constraint refuses ours, and the second attempt finds those records as existing.
    for attempt in range(2):
        try:
            existing, new = _store_new(organisation=organisation, records=records)
            break
        except IntegrityError:
            for r in records:
                r.pk = None
            if attempt:
                raise ValidationError(_("有其他请求正在提交相同的记录，请稍后重试。"), code="concurrent") from None
    if len(rows) > 1:
        audit(
            type=AuditEvent.Type.DATA_IMPORTED,
            actor=actor,
            organisation=organisation,
            target="hour-records",
            data={"created": len(new), "existing": len(existing)},
        )
    created_refs = {r.external_ref for r in new}
    by_ref = {r.external_ref: r for r in new} | existing
    return [(by_ref[r.external_ref], r.external_ref in created_refs) for r in records]


def _store_new(*, organisation: Organisation, records: list[HourRecord]):
    with transaction.atomic():
        refs = [r.external_ref for r in records]
        existing = {
            r.external_ref: r
            for r in HourRecord.objects.select_for_update().filter(recorded_by=organisation, external_ref__in=refs)
        }
        new = [r for r in records if r.external_ref not in existing]
        HourRecord.objects.bulk_create(new, batch_size=2000)
        _apply_records(new)
    return existing, new


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
        _check_completed_on(completed_on, year)
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
