"""The year an hour counts for: the year it was completed, registered while that year is open."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.formats import cn_date

from ..models import YearPolicy


def registration_deadline(*, policy: YearPolicy, completed_on: datetime.date) -> datetime.date | None:
    """The last day a completion may still be registered for the policy's year (None: not closed yet).
    A completion inside the grace window may be registered until the later of the two dates."""
    if policy.closes_on is None:
        return None
    if policy.grace_from is not None and completed_on >= policy.grace_from:
        return max(policy.closes_on, policy.grace_until)
    return policy.closes_on


def _window_text(policy: YearPolicy) -> str:
    text = _("%(year)s年度学时登记截止于%(closes)s") % {"year": policy.year, "closes": cn_date(policy.closes_on)}
    if policy.grace_from is not None:
        text += _("（%(start)s及以后完成的可登记至%(until)s）") % {
            "start": cn_date(policy.grace_from),
            "until": cn_date(max(policy.closes_on, policy.grace_until)),
        }
    return text


def hours_count_in_year_completed(
    *, policy: YearPolicy, completed_on: datetime.date, registered_on: datetime.date | None = None
) -> None:
    """学时计入完成当年 (docs/credits.md): a completion counts for the year it was completed, never an
    earlier or later one, and only if registered by the year's closing date (or, for completions
    inside the policy's grace window, by the end of that window). Raises a Chinese ValidationError
    that names the allowed dates. A bureau's correction is not intake and is not checked here."""
    registered_on = registered_on or timezone.localdate()
    year = policy.year
    if completed_on > registered_on:
        raise ValidationError(_("完成日期不能晚于今天。"), code="future_date")
    if completed_on.year != year:
        raise ValidationError(
            _("学时计入完成当年：计入%(year)s年度的学时，完成日期须在%(year)s年1月1日至%(year)s年12月31日之间。")
            % {"year": year},
            code="year_mismatch",
        )
    deadline = registration_deadline(policy=policy, completed_on=completed_on)
    if deadline is not None and registered_on > deadline:
        raise ValidationError(_("%(window)s，已不能登记。") % {"window": _window_text(policy)}, code="year_closed")


def year_is_closed(*, policy: YearPolicy, on: datetime.date | None = None) -> bool:
    """After the closing date (and any grace window) nothing new counts for the year."""
    if policy.closes_on is None:
        return False
    last = max(policy.closes_on, policy.grace_until) if policy.grace_until else policy.closes_on
    return (on or timezone.localdate()) > last
