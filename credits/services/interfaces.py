"""What other apps call: teaching credit for selected quality courses, and hours certificates."""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role, User
from accounts.selectors import employer_of, roles_of
from accounts.services import audit
from accounts.validators import mask_id_number
from courses.models import Course
from portal.hours import TENTH

from ..models import HourRecord, HoursCertificate, YearSummary
from ..selectors import compliance_for, current_certificate, people_correctable_by, policy_for
from .calendar import year_is_closed
from .decisions import book_reversal
from .ledger import _insert

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


def teaching_credit_hours(*, policy, course_hours: Decimal) -> Decimal:
    """优质在线公需课……按照课程课时的2倍计算授课教师年度继续教育学时。

    The multiplier (2 in 2022) and the category it counts in are the year's policy.
    """
    return (policy.teaching_credit_multiplier * course_hours).quantize(TENTH)


def teaching_year_closed(*, year: int) -> bool:
    """The year's ledger is closed (`calendar.year_is_closed`): a teaching credit for it can only
    be added by a city bureau's correction. Raises NoPolicyError for a year without a policy."""
    return year_is_closed(policy=policy_for(year=year))


def credit_teaching(
    *,
    teacher_user: User,
    course: Course,
    year: int,
    recorded_by: Organisation,
    external_ref: str,
    actor=None,
    course_hours: Decimal | None = None,
    course_title: str = "",
) -> HourRecord:
    """Approved teaching credit for the teacher of a selected quality course. Idempotent on
    (recorded_by, external_ref): calling again returns the existing record. `course_hours` and
    `course_title` are the course as sealed in the evaluation (the live course by default)."""
    if not external_ref:
        raise ValidationError(_("授课学时必须提供外部编号，以免重复计入。"), code="external_ref_required")
    existing = HourRecord.objects.filter(recorded_by=recorded_by, external_ref=external_ref).first()
    if existing:
        return existing
    policy = policy_for(year=year)
    hours = teaching_credit_hours(policy=policy, course_hours=course.hours if course_hours is None else course_hours)
    record, _created = _insert(
        HourRecord(
            professional=teacher_user,
            year=year,
            completed_on=min(timezone.localdate(), datetime.date(year, 12, 31)),
            category=policy.teaching_credit_category,
            hours=hours,
            title=(_("优质在线公需课授课：%(title)s") % {"title": course_title or course.title})[:200],
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


def credit_late_teaching(
    *,
    teacher_user: User,
    course: Course,
    year: int,
    recorded_by: Organisation,
    external_ref: str,
    hours: Decimal,
    course_title: str,
    actor,
    reason: str,
) -> HourRecord:
    """A teaching credit for a year already closed ("按照课程课时的2倍计算授课教师年度继续教育学时"),
    written as a bureau correction, like any other late hour: city bureau staff of the person's
    city (`selectors.people_correctable_by`) or provincial staff confirm it with a reason. The
    approved teaching record goes into that year, `hours` as the evaluation sealed them, under the
    same external reference the evaluation uses (idempotent: a repeat returns the record), decided
    by the bureau actor; audited (RECORD_DECIDED, `late_teaching_credited`) with `after_closing`,
    the bureau and the reason."""

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正理由。")}, code="reason_required")
    bureaus = [g for g in roles_of(actor) if g.role in (Role.CITY_STAFF, Role.PROVINCE_STAFF)]
    if not bureaus:
        raise ValidationError(_("只有市人社局或省人社厅工作人员可以更正计入授课学时。"), code="not_allowed")
    if not people_correctable_by(actor).filter(pk=teacher_user.pk).exists():
        raise ValidationError(_("未找到该授课学时，或不属于本市。"), code="not_found")
    if not external_ref:
        raise ValidationError(_("授课学时必须提供外部编号，以免重复计入。"), code="external_ref_required")
    with transaction.atomic():
        existing = HourRecord.objects.filter(recorded_by=recorded_by, external_ref=external_ref).first()
        if existing:
            return existing
        policy = policy_for(year=year)
        record, created = _insert(
            HourRecord(
                professional=teacher_user,
                year=year,
                completed_on=datetime.date(year, 12, 31),
                category=policy.teaching_credit_category,
                hours=hours,
                title=(_("优质在线公需课授课：%(title)s") % {"title": course_title or course.title})[:200],
                source=HourRecord.Source.TEACHING,
                course=course,
                recorded_by=recorded_by,
                submitted_by=actor,
                external_ref=external_ref[:100],
                status=HourRecord.Status.APPROVED,
                decided_by=actor,
                decided_at=timezone.now(),
                reason=reason,
            )
        )
        if created:
            bureau = next((g for g in bureaus if g.role == Role.CITY_STAFF), bureaus[0])
            audit(
                type=AuditEvent.Type.RECORD_DECIDED,
                actor=actor,
                organisation=Organisation.objects.get(pk=bureau.organisation_id),
                target=f"hour-record:{record.pk}",
                data={
                    "event": "late_teaching_credited",
                    "record": record.pk,
                    "person": teacher_user.pk,
                    "hours": str(record.hours),
                    "reason": reason,
                    "year": year,
                    "after_closing": year_is_closed(policy=policy),
                    "bureau": bureau.organisation_id,
                },
            )
    return record


def reverse_teaching_credit(*, record: HourRecord, actor, reason: str) -> HourRecord:
    """A teaching credit that no longer holds (the teacher's link was withdrawn, the result was
    corrected) is cancelled as a city bureau's reversal is: a correction record with the negative
    hours that `reverses` the original, recorded by the same association; both stay in the history.
    Audited like every reversal, with `after_closing` when the year is closed."""
    with transaction.atomic():
        original = HourRecord.objects.select_for_update().get(pk=record.pk)
        if original.source != HourRecord.Source.TEACHING or original.status != HourRecord.Status.APPROVED:
            raise ValidationError(_("只有已通过的授课学时可以冲正。"), code="not_approved")
        existing = HourRecord.objects.filter(reverses=original).first()
        if existing:
            return existing
        correction = book_reversal(
            original=original,
            actor=actor,
            reason=reason,
            recorded_by_id=original.recorded_by_id,
            after_closing=year_is_closed(policy=policy_for(year=original.year)),
            teaching=True,
        )
    return correction


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_certificate(*, user: User, year: int) -> HoursCertificate:
    """A 学时证明 for a compliant year. Returns the latest certificate if the figures are unchanged.

    The year's summary row is locked so that two simultaneous requests issue one certificate and the
    figures cannot change between the check and the snapshot."""
    with transaction.atomic():
        list(YearSummary.objects.select_for_update().filter(professional=user, year=year))
        compliance = compliance_for(user=user, year=year)
        if not compliance.compliant:
            raise ValidationError(
                _("%(year)s年度学时尚未达标，暂不能出具学时证明。") % {"year": year}, code="not_compliant"
            )
        current = current_certificate(user=user, year=year, compliance=compliance)
        if current is not None:
            return current
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
