"""Decisions on records: the employer approves or rejects self-reports; a city bureau audits
approved records by reversing them. Each in one transaction with the summary change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Membership, Role
from accounts.selectors import roles_of
from accounts.services import audit

from ..models import HourRecord, YearPolicy
from ..selectors import records_decidable_by
from .calendar import year_is_closed
from .ledger import _apply_records


def _decide(*, record_id: int, actor, approve: bool, reason: str) -> HourRecord:
    with transaction.atomic():
        record = HourRecord.objects.select_for_update().filter(pk=record_id).first()
        # The one place a record is decided (selectors.records_decidable_by): a record outside the
        # actor's place is "not found", whatever its state, so nobody learns about other units' people.
        if record is None or not records_decidable_by(actor, pending_only=False).filter(pk=record_id).exists():
            raise ValidationError(_("未找到该学时记录，或您无权审核。"), code="not_found")
        if record.professional_id == actor.pk:
            raise ValidationError(_("不能审核本人申报的学时，请由单位其他管理员审核。"), code="own_record")
        if record.status != HourRecord.Status.PENDING:
            raise ValidationError(_("该记录已审核，不能重复审核。"), code="already_decided")
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


def _closed(year: int) -> bool:
    policy = YearPolicy.objects.filter(year=year).first()
    return policy is not None and year_is_closed(policy=policy)


def approve_record(*, record_id: int, actor) -> HourRecord:
    """The one place that decides a pending record (the person's employer, or the city bureau when
    they have none) approves it; the hours count from now on. A record registered before the year
    closed may still be decided after the closing date."""
    return _decide(record_id=record_id, actor=actor, approve=True, reason="")


def reject_record(*, record_id: int, actor, reason: str) -> HourRecord:
    return _decide(record_id=record_id, actor=actor, approve=False, reason=reason)


def reverse_record(*, record_id: int, actor, reason: str) -> HourRecord:
    """A city bureau's audit: an approved record of a professional employed in its city is
    cancelled by a correction record with the negative hours; both stay in the history.

    This is the one change allowed after the year's closing date; the audit event says so."""
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
            data={
                "correction": correction.pk,
                "reason": reason.strip(),
                "year": original.year,
                "after_closing": _closed(original.year),
            },
        )
    return correction
