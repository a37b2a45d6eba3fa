"""Deadline reminders by email to units that have not sent their materials yet."""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.rules import ADMIN_ROLES
from portal.deadlines import earliest_open_deadline, is_open
from portal.formats import cn_datetime

from .models import Call, Extension, ReminderFailure, ReminderSent, Submission
from .selectors import expected_units
from .services import required_title


@dataclass(frozen=True)
class Reminder:
    call_id: int
    unit_id: int
    days_before: int
    recipients: tuple[str, ...]


@dataclass
class ReminderRun:
    """What one run did: the reminders mailed, and those the mail server refused (each logged and
    stored as a ReminderFailure; the run carries on with the other units)."""

    sent: list[Reminder] = field(default_factory=list)
    failed: list[Reminder] = field(default_factory=list)


logger = logging.getLogger(__name__)


def due_mark(*, deadline: datetime.datetime, marks: list[int], now: datetime.datetime) -> int | None:
    """The reminder mark (days before the deadline) that is due now: the nearest one whose
    moment has come, so a unit first noticed one day before gets the one-day reminder only."""
    if not is_open(deadline=deadline, now=now):
        return None
    due = [d for d in marks if now >= deadline - datetime.timedelta(days=d)]
    return min(due) if due else None


def recipients_for(unit_ids: list[int]) -> dict[int, list[str]]:
    """Each unit's email and its administrators' emails (one query for all units)."""
    found: dict[int, set[str]] = {uid: set() for uid in unit_ids}
    rows = (
        Membership.objects.active()
        .filter(organisation_id__in=unit_ids, role__in=ADMIN_ROLES, user__is_active=True)
        .exclude(user__email="")
        .values_list("organisation_id", "user__email", "organisation__email")
    )
    for org_id, user_email, org_email in rows:
        found[org_id].add(user_email)
        if org_email:
            found[org_id].add(org_email)
    return {uid: sorted(emails) for uid, emails in found.items()}


def send_deadline_reminders(*, now: datetime.datetime | None = None) -> ReminderRun:
    """Mail every unit that has not sent (nothing, or only a draft) 7 days and 1 day before its
    deadline (the call's `reminder_days`). A sent reminder is recorded, so no unit gets the same
    one twice however often beat runs. A unit whose mail fails is logged and recorded as a
    failure, and tried again next run; the others are still reminded."""
    now = now or timezone.now()
    run = ReminderRun()
    # Calls still open for someone: their own deadline or an extension is ahead.
    after = earliest_open_deadline(now)
    calls = Call.objects.filter(Q(deadline__gte=after) | Q(extensions__deadline__gte=after)).distinct()
    for call in calls:
        marks = [int(d) for d in (call.reminder_days or [])]
        # Attachments 3/4: the expected units are those that recommended, so all have sent.
        if not marks or call.is_generated:
            continue
        extensions = {e.unit_id: e.deadline for e in Extension.objects.filter(call=call)}
        done = set(
            Submission.objects.filter(call=call)
            .exclude(status=Submission.Status.DRAFT)
            .values_list("unit_id", flat=True)
        )
        already = set(ReminderSent.objects.filter(call=call).values_list("unit_id", "days_before"))
        due: dict[int, int] = {}
        for unit in expected_units(call).only("pk", "email", "name"):
            if unit.pk in done:
                continue
            deadline = max(call.deadline, extensions.get(unit.pk, call.deadline))
            mark = due_mark(deadline=deadline, marks=marks, now=now)
            if mark is not None and (unit.pk, mark) not in already:
                due[unit.pk] = mark
        if not due:
            continue
        emails = recipients_for(list(due))
        units = {u.pk: u for u in expected_units(call).filter(pk__in=list(due))}
        for unit_id, mark in due.items():
            to = emails.get(unit_id) or ([units[unit_id].email] if units[unit_id].email else [])
            if not to:
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(call=call, unit_id=unit_id, days_before=mark, recipients=to)
                    deadline = max(call.deadline, extensions.get(unit_id, call.deadline))
                    send_mail(
                        subject=_("【材料报送提醒】%(call)s 距截止还有%(days)s天") % {"call": call.name, "days": mark},
                        message=_(
                            "%(unit)s：\n\n“%(call)s”的报送截止时间为 %(deadline)s，贵单位尚未报送。"
                            "请登录山东省专业技术人员继续教育公共服务平台，报送标题为“%(title)s”的材料，"
                            "同时报送Word版和PDF版。\n"
                        )
                        % {
                            "unit": units[unit_id].name,
                            "call": call.name,
                            "deadline": cn_datetime(deadline),
                            "title": required_title(unit=units[unit_id], year=call.year),
                        },
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        recipient_list=to,
                    )
            except IntegrityError:
                # Another beat run recorded it first.
                continue
            except Exception as exc:  # smtplib and socket errors alike: one bad mailbox must not stop the run
                logger.warning(
                    "deadline reminder for call %s to unit %s (%s) failed: %s", call.pk, unit_id, ", ".join(to), exc
                )
                error = str(exc)[:500] or type(exc).__name__
                ReminderFailure.objects.create(call=call, unit_id=unit_id, days_before=mark, recipients=to, error=error)
                run.failed.append(Reminder(call.pk, unit_id, mark, tuple(to)))
                continue
            run.sent.append(Reminder(call.pk, unit_id, mark, tuple(to)))
    if run.failed:
        logger.error("deadline reminders: %d sent, %d failed", len(run.sent), len(run.failed))
    else:
        logger.info("deadline reminders: %d sent", len(run.sent))
    return run
