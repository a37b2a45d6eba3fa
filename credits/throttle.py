"""The intake budget: rows per sending unit and window, shared by the API (one row or a bulk list)
and the Excel import page. It counts rows, not requests: a 10,000-row bulk spends what 10,000
single posts would, so a unit cannot test ID numbers faster by batching them, and a refused row
costs as much as a stored one.

A fixed window in the cache (shared by every web process in production). When the cache cannot
count, intake is refused (fail closed): writes to the ledger wait rather than go unlimited.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from .services import platform_organisation_of

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate() -> tuple[int, int]:
    """CREDITS_INTAKE_RATE, e.g. "50000/hour": (rows, seconds)."""
    rows, period = settings.CREDITS_INTAKE_RATE.split("/")
    return int(rows), _PERIODS[period.strip()[0]]


def sender_key(user) -> str:
    """The budget's owner: the platform's unit (all its staff share it), else the person alone."""
    platform = platform_organisation_of(user)
    return f"org{platform.pk}" if platform is not None else f"user{user.pk}"


def spend(*, user, rows: int) -> float | None:
    """Take `rows` from the sender's budget of the current window: None when they fit, else the
    seconds until the window ends (and nothing is taken)."""
    limit, period = _rate()
    now = time.time()
    wait = period - now % period
    key = f"credits:intake-rows:{sender_key(user)}:{int(now // period)}"
    try:
        cache.add(key, 0, timeout=period + 60)
        used = cache.incr(key, rows)
        if used <= limit:
            return None
        cache.decr(key, rows)
    except Exception:  # a cache that is down or lost the key: refuse intake (fail closed)
        logger.warning("intake budget unavailable for %s: intake refused", key, exc_info=True)
    return wait
