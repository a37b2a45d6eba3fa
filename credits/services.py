"""Writes to the hour ledger. Every change to approved hours happens here, in one transaction
with the matching change to `YearSummary` (rows locked with select_for_update)."""

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Membership, Organisation, Role, User
from accounts.selectors import employer_of, organisation_ids_with_role, roles_of
from accounts.services import audit
from accounts.validators import mask_id_number, normalise_id_number, validate_id_number
from courses.models import Category, Course

from .models import ConversionRule, HourRecord, HoursCertificate, YearSummary
from .selectors import ZERO, compliance_for, policy_for

TENTH = Decimal("0.1")
MAX_RECORD_HOURS = Decimal("999.9")
MAX_BULK_ROWS = 10_000
PLATFORM_ROLES = (Role.BASE_ADMIN, Role.CITY_STAFF)
PLATFORM_SOURCES = (HourRecord.Source.PLATFORM, HourRecord.Source.OFFLINE)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


def parse_hours(value) -> Decimal:
    """Hours as a positive Decimal with at most one decimal place, or a Chinese error."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("学时必须是数字，例如 1.5。"), code="hours_invalid") from None
    if not hours.is_finite():
        raise ValidationError(_("学时必须是数字，例如 1.5。"), code="hours_invalid")
    if hours <= 0:
        raise ValidationError(_("学时必须大于0。"), code="hours_not_positive")
    if hours != hours.quantize(TENTH):
        raise ValidationError(_("学时最多保留一位小数。"), code="hours_precision")
    if hours > MAX_RECORD_HOURS:
        raise ValidationError(_("单条记录学时过大。"), code="hours_too_large")
    return hours.quantize(TENTH)


def _check_completed_on(completed_on: datetime.date, year: int) -> None:
    if completed_on > timezone.localdate():
        raise ValidationError(_("完成日期不能晚于今天。"), code="future_date")
    # A December course confirmed in January may count for either year, never further apart.
    if abs(completed_on.year - year) > 1:
        raise ValidationError(_("完成日期与计入年度相差过大。"), code="year_mismatch")


# ---------------------------------------------------------------- summary maintenance


def _field_for(category: str) -> str:
    return "public_hours" if category == Category.PUBLIC else "professional_hours"


def _apply_deltas(deltas: dict[tuple[int, int], dict[str, Decimal]]) -> None:
    """Add approved hours to the summaries, row-locked, inside the caller's transaction."""
    if not deltas:
        return
    YearSummary.objects.bulk_create(
        [YearSummary(professional_id=pid, year=year) for pid, year in deltas], ignore_conflicts=True
    )
    pairs = Q()
    for pid, year in deltas:
        pairs |= Q(professional_id=pid, year=year)
    # Locked in primary-key order so two transactions touching the same people cannot deadlock.
    summaries = list(YearSummary.objects.select_for_update().filter(pairs).order_by("pk"))
    now = timezone.now()
    for summary in summaries:
        change = deltas[(summary.professional_id, summary.year)]
        summary.public_hours += change.get("public_hours", ZERO)
        summary.professional_hours += change.get("professional_hours", ZERO)
        summary.updated_at = now
    YearSummary.objects.bulk_update(summaries, ["public_hours", "professional_hours", "updated_at"], batch_size=1000)


def _apply_records(records) -> None:
    deltas: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for r in records:
        if r.status == HourRecord.Status.APPROVED:
            deltas[(r.professional_id, r.year)][_field_for(r.category)] += r.hours
    _apply_deltas(deltas)


def rebuild_summaries(*, year: int | None = None) -> int:
    """Recompute summaries from the ledger (after a bulk load; normal writes keep them current)."""
    from django.db.models import Sum

    qs = HourRecord.objects.approved()
    if year is not None:
        qs = qs.filter(year=year)
    sums: dict[tuple[int, int], YearSummary] = {}
    for row in qs.values("professional_id", "year", "category").annotate(s=Sum("hours")).order_by():
        key = (row["professional_id"], row["year"])
        summary = sums.setdefault(key, YearSummary(professional_id=key[0], year=key[1]))
        setattr(summary, _field_for(row["category"]), row["s"])
    with transaction.atomic():
        stale = YearSummary.objects.all() if year is None else YearSummary.objects.filter(year=year)
        stale.delete()
        YearSummary.objects.bulk_create(sums.values(), batch_size=5000)
    return len(sums)


# ---------------------------------------------------------------- creating records


def _insert(record: HourRecord) -> tuple[HourRecord, bool]:
    """Insert one record (and its approved hours), or return the one with the same external_ref."""
    if record.external_ref:
        existing = HourRecord.objects.filter(
            recorded_by_id=record.recorded_by_id, external_ref=record.external_ref
        ).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            record.save()
            _apply_records([record])
    except IntegrityError:
        existing = (
            record.external_ref
            and HourRecord.objects.filter(
                recorded_by_id=record.recorded_by_id, external_ref=record.external_ref
            ).first()
        )
        if existing:
            return existing, False
        raise
    return record, True


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
    from .models import YearPolicy

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
        year = row.get("year")
        try:
            year = int(year)
        except (TypeError, ValueError):
            problems["year"] = _("年度格式不正确。")
            year = None
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
    refs = [r.external_ref for r in records]
    with transaction.atomic():
        existing = {
            r.external_ref: r
            for r in HourRecord.objects.select_for_update().filter(recorded_by=organisation, external_ref__in=refs)
        }
        new = [r for r in records if r.external_ref not in existing]
        HourRecord.objects.bulk_create(new, batch_size=2000)
        _apply_records(new)
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
        external_ref=(external_ref or "")[:100],
        conversion_rule=conversion_rule,
        quantity=quantity if conversion_rule else None,
        status=HourRecord.Status.PENDING,
    )
    if proof is not None:
        record.proof = proof
    return _insert(record)


# ---------------------------------------------------------------- decisions


def _decide(*, record_id: int, actor, approve: bool, reason: str) -> HourRecord:
    employer_ids = organisation_ids_with_role(actor, Role.EMPLOYER_ADMIN)
    with transaction.atomic():
        record = HourRecord.objects.select_for_update().filter(pk=record_id).first()
        if record is None or record.recorded_by_id not in employer_ids:
            raise ValidationError(_("未找到该学时记录，或您无权审核。"), code="not_found")
        if record.status != HourRecord.Status.PENDING:
            raise ValidationError(_("该记录已审核，不能重复审核。"), code="already_decided")
        on_staff = (
            Membership.objects.active()
            .filter(user_id=record.professional_id, role=Role.PROFESSIONAL, organisation_id=record.recorded_by_id)
            .exists()
        )
        if not on_staff:
            raise ValidationError(_("该人员不是本单位在职专业技术人员，不能审核其学时。"), code="not_on_staff")
        if not approve and not reason.strip():
            raise ValidationError({"reason": _("退回时请填写理由。")}, code="reason_required")
        now = timezone.now()
        status = HourRecord.Status.APPROVED if approve else HourRecord.Status.REJECTED
        updated = HourRecord.objects.filter(pk=record.pk, status=HourRecord.Status.PENDING).update(
            status=status, decided_by=actor, decided_at=now, reason=reason.strip()
        )
        if updated != 1:
            raise ValidationError(_("该记录已审核，不能重复审核。"), code="already_decided")
        record.refresh_from_db()
        _apply_records([record])
        audit(
            type=AuditEvent.Type.RECORD_DECIDED,
            actor=actor,
            organisation=record.recorded_by,
            target=f"hour-record:{record.pk}",
            data={"status": status, "hours": str(record.hours)},
        )
    return record


def approve_record(*, record_id: int, actor) -> HourRecord:
    """The employer approves a staff member's self-reported hours; they count from now on."""
    return _decide(record_id=record_id, actor=actor, approve=True, reason="")


def reject_record(*, record_id: int, actor, reason: str) -> HourRecord:
    return _decide(record_id=record_id, actor=actor, approve=False, reason=reason)


def reverse_record(*, record_id: int, actor, reason: str) -> HourRecord:
    """A city bureau's audit: an approved record of a professional employed in its city is
    cancelled by a correction record with the negative hours; both stay in the history."""
    if not reason.strip():
        raise ValidationError({"reason": _("冲正时请填写理由。")}, code="reason_required")
    bureaus = [g for g in roles_of(actor) if g.role == Role.CITY_STAFF]
    if not bureaus:
        raise ValidationError(_("只有市人社局工作人员可以核查冲正学时记录。"), code="not_allowed")
    cities = {g.organisation_city for g in bureaus}
    with transaction.atomic():
        original = HourRecord.objects.select_for_update().filter(pk=record_id).first()
        in_city = (
            original is not None
            and Membership.objects.active()
            .filter(user_id=original.professional_id, role=Role.PROFESSIONAL, organisation__city__in=cities)
            .exists()
        )
        if not in_city:
            raise ValidationError(_("未找到该学时记录，或不属于本市。"), code="not_found")
        if original.status != HourRecord.Status.APPROVED or original.source == HourRecord.Source.CORRECTION:
            raise ValidationError(_("只有已通过的学时记录可以冲正。"), code="not_approved")
        if HourRecord.objects.filter(reverses=original).exists():
            raise ValidationError(_("该记录已被冲正。"), code="already_reversed")
        bureau = next(g for g in bureaus if g.organisation_city in cities)
        correction = HourRecord(
            professional_id=original.professional_id,
            year=original.year,
            completed_on=timezone.localdate(),
            category=original.category,
            hours=-original.hours,
            title=(_("冲正：%(title)s") % {"title": original.title})[:200],
            source=HourRecord.Source.CORRECTION,
            course=original.course,
            recorded_by_id=bureau.organisation_id,
            submitted_by=actor,
            status=HourRecord.Status.APPROVED,
            decided_by=actor,
            decided_at=timezone.now(),
            reason=reason.strip(),
            reverses=original,
        )
        correction.save()
        _apply_records([correction])
        audit(
            type=AuditEvent.Type.RECORD_REVERSED,
            actor=actor,
            organisation=correction.recorded_by,
            target=f"hour-record:{original.pk}",
            data={"correction": correction.pk, "reason": reason.strip()},
        )
    return correction


# ---------------------------------------------------------------- interfaces for other apps


def teaching_credit_hours(*, policy, course_hours: Decimal) -> Decimal:
    """优质在线公需课……按照课程课时的2倍计算授课教师年度继续教育学时。

    The multiplier (2 in 2022) and the category it counts in are the year's policy.
    """
    return (policy.teaching_credit_multiplier * course_hours).quantize(TENTH)


def credit_teaching(
    *, teacher_user: User, course: Course, year: int, recorded_by: Organisation, external_ref: str, actor=None
) -> HourRecord:
    """Approved teaching credit for the teacher of a selected quality course. Idempotent on
    (recorded_by, external_ref): calling again returns the existing record."""
    if not external_ref:
        raise ValidationError(_("授课学时必须提供外部编号，以免重复计入。"), code="external_ref_required")
    existing = HourRecord.objects.filter(recorded_by=recorded_by, external_ref=external_ref).first()
    if existing:
        return existing
    policy = policy_for(year=year)
    hours = teaching_credit_hours(policy=policy, course_hours=course.hours)
    record, _created = _insert(
        HourRecord(
            professional=teacher_user,
            year=year,
            completed_on=min(timezone.localdate(), datetime.date(year, 12, 31)),
            category=policy.teaching_credit_category,
            hours=hours,
            title=_("优质在线公需课授课：%(title)s") % {"title": course.title},
            source=HourRecord.Source.TEACHING,
            course=course,
            recorded_by=recorded_by,
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            external_ref=external_ref[:100],
            status=HourRecord.Status.APPROVED,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
            decided_at=timezone.now(),
        )
    )
    return record


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_certificate(*, user: User, year: int) -> HoursCertificate:
    """A 学时证明 for a compliant year. Returns the latest certificate if the figures are unchanged."""
    compliance = compliance_for(user=user, year=year)
    if not compliance.compliant:
        raise ValidationError(
            _("%(year)s年度学时尚未达标，暂不能出具学时证明。") % {"year": year}, code="not_compliant"
        )
    latest = HoursCertificate.objects.filter(professional=user, year=year).order_by("-issued_at", "-id").first()
    if latest and (latest.public_hours, latest.professional_hours) == (compliance.public, compliance.professional):
        return latest
    employer = employer_of(user)
    return HoursCertificate.objects.create(
        professional=user,
        year=year,
        code=_new_code(),
        name=user.display_name,
        masked_id_number=mask_id_number(user.id_number),
        employer_name=employer.name if employer else "",
        public_hours=compliance.public,
        professional_hours=compliance.professional,
        total_hours=compliance.total,
        required_public=compliance.required.public,
        required_professional=compliance.required.professional,
        required_total=compliance.required.total,
    )
