"""What other apps call: teaching credit for selected quality courses, and hours certificates."""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import employer_of
from accounts.validators import mask_id_number
from courses.models import Course
from portal.hours import TENTH

from ..models import HourRecord, HoursCertificate, YearSummary
from ..selectors import compliance_for, current_certificate, policy_for
from .ledger import _insert

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


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
