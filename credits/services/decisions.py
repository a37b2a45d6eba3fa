"""Decisions on records: the employer approves or rejects self-reports; a city bureau audits
approved records by reversing them. Each in one transaction with the summary change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Role
from accounts.selectors import roles_of
from accounts.services import audit
from portal import cache_versions

from ..models import HourRecord, YearPolicy
from ..selectors import records_correctable_by, records_decidable_by
from .calendar import year_is_closed
from .ledger import _apply_records
from .locks import lock_years
from .self_report import goes_to_city_bureau, self_report_limit


class SentToCityBureau(ValidationError):
    """An employer's approval of a self-report past the year's self-report threshold: refused, and
    the record now waits for the city bureau (committed before this is raised)."""


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
        if approve and record.source == HourRecord.Source.SELF_REPORTED and _over_limits(record):
            sent = True
        else:
            sent = False
            _record_decision(record, actor=actor, approve=approve, reason=reason)
    if sent:
        raise SentToCityBureau(
            _("该人员本年度个人申报学时已超过年度政策规定的阈值，本条申报已转市人社局审核，单位不能通过。"),
            code="sent_to_city_bureau",
        )
    return record


def _over_limits(record: HourRecord) -> bool:
    """The limits of a self-report, checked again when it is approved: above the year's per-record
    maximum nobody approves it (a Chinese error naming the maximum); past the self-report threshold
    an employer's approval sends it to the city bureau instead (True). The (person, year) lock
    serialises this with the person's other reports and approvals."""
    policy = YearPolicy.objects.get(year=record.year)
    self_report_limit(policy=policy, conversion_rule=record.conversion_rule, hours=record.hours)
    if record.bureau_review:
        return False
    lock_years(scope="person", keys=[(record.professional_id, record.year)])
    if not goes_to_city_bureau(
        policy=policy,
        professional_id=record.professional_id,
        year=record.year,
        hours=record.hours,
        statuses=(HourRecord.Status.APPROVED,),
    ):
        return False
    HourRecord.objects.filter(pk=record.pk, status=HourRecord.Status.PENDING).update(bureau_review=True)
    cache_versions.bump_people([record.professional_id])
    return True


def _record_decision(record: HourRecord, *, actor, approve: bool, reason: str) -> None:
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


def book_reversal(
    *, original: HourRecord, actor, reason: str, recorded_by_id: int, after_closing: bool, **audit_data
) -> HourRecord:
    """The one way a decided record is cancelled: a new approved correction record with the negative
    hours that `reverses` it, in its year (both stay in the history), the summaries updated in the
    same transaction and a `RECORD_REVERSED` audit event. The caller locked `original` and checked
    that it may be reversed."""
    person = actor if getattr(actor, "is_authenticated", False) else None
    correction = HourRecord(
        professional_id=original.professional_id,
        year=original.year,
        completed_on=timezone.localdate(),
        category=original.category,
        hours=-original.hours,
        title=(_("冲正：%(title)s") % {"title": original.title})[:200],
        source=HourRecord.Source.CORRECTION,
        course=original.course,
        recorded_by_id=recorded_by_id,
        submitted_by=person,
        status=HourRecord.Status.APPROVED,
        decided_by=person,
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
            "after_closing": after_closing,
            **audit_data,
        },
    )
    return correction


def reverse_record(*, record_id: int, actor, reason: str) -> HourRecord:
    """An audit: an approved record is cancelled by a correction record with the negative hours;
    both stay in the history. A city bureau corrects the records of its city (people employed
    there, and people without a current employer whose most recent employer was there); the
    provincial bureau corrects any record (`selectors.records_correctable_by`).

    This is the one change allowed after the year's closing date; the audit event says so."""
    if not reason.strip():
        raise ValidationError({"reason": _("冲正时请填写理由。")}, code="reason_required")
    bureaus = [g for g in roles_of(actor) if g.role in (Role.CITY_STAFF, Role.PROVINCE_STAFF)]
    if not bureaus:
        raise ValidationError(_("只有市人社局或省人社厅工作人员可以核查冲正学时记录。"), code="not_allowed")
    with transaction.atomic():
        original = records_correctable_by(actor).select_for_update(of=("self",)).filter(pk=record_id).first()
        if original is None:
            raise ValidationError(_("未找到该学时记录，或不属于本市。"), code="not_found")
        if original.status != HourRecord.Status.APPROVED or original.source == HourRecord.Source.CORRECTION:
            raise ValidationError(_("只有已通过的学时记录可以冲正。"), code="not_approved")
        if HourRecord.objects.filter(reverses=original).exists():
            raise ValidationError(_("该记录已被冲正。"), code="already_reversed")
        city_bureau = next(
            (g for g in bureaus if g.role == Role.CITY_STAFF and g.organisation_city == original.decision_city), None
        )
        bureau = city_bureau or next(g for g in bureaus if g.role == Role.PROVINCE_STAFF)
        correction = book_reversal(
            original=original,
            actor=actor,
            reason=reason,
            recorded_by_id=bureau.organisation_id,
            after_closing=_closed(original.year),
        )
    return correction
