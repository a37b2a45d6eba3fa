"""Whether a deadline or a window is still open: one rule for every app.

"请于4月底前……报送" — a deadline is stored to the second in Asia/Shanghai ("2022-04-30
23:59:59"), and the whole of that second is still in time: 23:59:59.999 is accepted,
2022-05-01 00:00:00 is not. Submissions (deadlines, extensions, resubmission dates) and the
selection campaign (recommendation deadline, review, voting and 公示 windows) all ask here.
"""

import datetime
import zoneinfo

from django.utils import timezone

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ONE_SECOND = datetime.timedelta(seconds=1)


def _aware(moment: datetime.datetime) -> datetime.datetime:
    """A naive time written by staff or a script means Shanghai time (DOMAIN.md: "All deadlines
    are in Asia/Shanghai")."""
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=SHANGHAI)


def closes_at(deadline: datetime.datetime) -> datetime.datetime:
    """The first instant that is too late: the start of the second after the deadline's second."""
    local = timezone.localtime(_aware(deadline), SHANGHAI)
    return local.replace(microsecond=0) + ONE_SECOND


def is_open(*, deadline: datetime.datetime | None, now: datetime.datetime | None = None) -> bool:
    """Still in time for `deadline` (inclusive of its whole last second). No deadline: open."""
    if deadline is None:
        return True
    now = _aware(now) if now is not None else timezone.now()
    return now < closes_at(deadline)


def in_window(
    *,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> bool:
    """Inside a window that opens at `start` (inclusive) and closes after `end`'s last second.
    A missing bound leaves that side open."""
    now = _aware(now) if now is not None else timezone.now()
    started = start is None or _aware(start) <= now
    return started and is_open(deadline=end, now=now)


def earliest_open_deadline(now: datetime.datetime | None = None) -> datetime.datetime:
    """For database filters: a deadline is still open at `now` exactly when
    `deadline >= earliest_open_deadline(now)` (the start of `now`'s second), the same rule as
    `is_open`."""
    now = _aware(now) if now is not None else timezone.now()
    return now.replace(microsecond=0)
