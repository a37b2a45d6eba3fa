"""A teaching credit for a year already closed is a bureau correction, like any other late hour
(issue 21: "If that year has closed, the credit needs a bureau correction"). The evaluation keeps
it as `TeachingCredit(status=pending)`; city bureau staff of the person's city, or provincial
staff, credit it (the ledger writes the approved teaching record into that year,
`credits.services.credit_late_teaching`) or decline it, each with a reason."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course
from credits.selectors import people_correctable_by
from credits.services import credit_late_teaching

from ..models import TeachingCredit
from ..selectors import sealed_snapshot
from .teaching import _audit, _sealed_course, association_of, teaching_ref

BUREAU = "bureau_correction"


def _pending_for_bureau(*, credit_id: int, actor) -> TeachingCredit:
    credit = (
        TeachingCredit.objects.select_for_update(of=("self",))
        .select_related("campaign", "recommendation", "person")
        .filter(pk=credit_id, person__in=people_correctable_by(actor).values("pk"))
        .first()
    )
    if credit is None:
        raise ValidationError(_("未找到该授课学时，或不属于本市。"), code="not_found")
    if credit.status != TeachingCredit.Status.PENDING:
        raise ValidationError(_("该授课学时已处理，不能重复办理。"), code="already_decided")
    return credit


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("请填写更正理由。")}, code="reason_required")
    return reason.strip()


@transaction.atomic
def credit_pending_teaching(*, credit_id: int, actor, reason: str) -> TeachingCredit:
    """The bureau confirms a pending teaching credit: the sealed figure (2 x the sealed course
    hours) becomes approved hours of the campaign's year, once (a repeat is refused)."""
    reason = _reason(reason)
    credit = _pending_for_bureau(credit_id=credit_id, actor=actor)
    snapshot = sealed_snapshot(campaign=credit.campaign)
    sealed = _sealed_course(snapshot, credit.recommendation_id)
    earlier = TeachingCredit.objects.filter(
        campaign=credit.campaign, recommendation=credit.recommendation, person=credit.person, pk__lt=credit.pk
    ).count()
    record = credit_late_teaching(
        teacher_user=credit.person,
        course=Course.objects.get(pk=sealed["course"]),
        year=credit.year,
        recorded_by=association_of(None),
        external_ref=teaching_ref(
            year=credit.year, recommendation_id=credit.recommendation_id, person_id=credit.person_id, sequence=earlier
        ),
        hours=credit.hours,
        course_title=sealed["title"],
        actor=actor,
        reason=reason,
    )
    credit.record = record
    credit.status = TeachingCredit.Status.CREDITED
    credit.decided_by, credit.decided_at, credit.decision_reason = actor, timezone.now(), reason
    credit.save(update_fields=["record", "status", "decided_by", "decided_at", "decision_reason"])
    _audit(event="teaching_credited", credit=credit, actor=actor, cause=BUREAU, record=record.pk, reason=reason)
    return credit


@transaction.atomic
def decline_pending_teaching(*, credit_id: int, actor, reason: str) -> TeachingCredit:
    """The bureau declines a pending teaching credit with a reason: nothing is written to the
    ledger, and the evaluation does not offer it again for that person and course."""
    reason = _reason(reason)
    credit = _pending_for_bureau(credit_id=credit_id, actor=actor)
    credit.status = TeachingCredit.Status.DECLINED
    credit.decided_by, credit.decided_at, credit.decision_reason = actor, timezone.now(), reason
    credit.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _audit(event="teaching_credit_declined", credit=credit, actor=actor, cause=BUREAU, reason=reason)
    return credit
