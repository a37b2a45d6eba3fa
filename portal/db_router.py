"""Reads of reports, exports and the public catalogue go to the streaming replica
(DATABASE_REPLICA_URL); everything else, and every write, to the primary.

The replica is optional at run time (issue 22). Before a request reads it, the replica's
connection is checked (Django's own health check of a kept connection, no extra round trip) and
its lag is measured at most every DATABASE_REPLICA_LAG_CHECK_SECONDS. A replica that cannot be
reached (a short connect_timeout, portal/deployment.py) is remembered as down for
DATABASE_REPLICA_RETRY_SECONDS, and one lagging by more than DATABASE_REPLICA_MAX_LAG is not
read: either way the request reads the primary and one line on `portal.degraded` says so.

Whoever just wrote (any POST, PUT, PATCH or DELETE) reads the primary for the replica's measured
lag, and at least DATABASE_REPLICA_PIN_SECONDS, so they see their own write on the next page
(read-your-own-writes): a browser by a short-lived cookie, any signed-in caller (API token
clients keep no cookie) by a key per user in the shared cache. Neither says who the caller is;
they only choose a database, and while the cache is away every read goes to the primary.
"""

import logging
import math
import re
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

from portal import degraded

REPLICA = "replica"
PIN_COOKIE = "portal_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Sessions, lockouts and tokens decide who the caller is: always read where they were written.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "authtoken", "admin"})

logger = logging.getLogger("portal.degraded")

LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)


class _ReplicaRead:
    """A request allowed to read the replica; whether it does is decided at its first read, when
    the caller is known (a token client is authenticated by the view, after the middleware)."""

    def __init__(self, request):
        self.request = request
        self.decided: bool | None = None

    def use_replica(self) -> bool:
        if self.decided is None:
            # Reads while deciding (the session, the user) go to the primary.
            self.decided = False
            self.decided = not _pinned(getattr(self.request, "user", None))
        return self.decided


_reading_replica: ContextVar[_ReplicaRead | None] = ContextVar("reading_replica", default=None)


def may_read_replica() -> bool:
    """Whether the current request's reads may come from the replica (a GET of one of
    DATABASE_REPLICA_PATHS while the replica is usable); everything else reads the primary."""
    return _reading_replica.get() is not None


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _reading_replica.get()
        if not state or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if state.use_replica():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a physical copy: it gets the primary's schema through replication.
        return db == "default"


class _ReplicaHealth:
    """This process's view of the replica: down until a time, and its last measured lag."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.lag = 0.0
        self.measured_at = -math.inf
        self.degraded = False

    def mark(self, *, down: bool, lag: float = 0.0, reason: str = "") -> None:
        now = time.monotonic()
        with self.lock:
            was_degraded = self.degraded
            self.measured_at = now
            self.lag = lag
            self.down_until = now + settings.DATABASE_REPLICA_RETRY_SECONDS if down else 0.0
            self.degraded = down or lag > settings.DATABASE_REPLICA_MAX_LAG
            changed = self.degraded != was_degraded
        if changed and self.degraded:
            logger.warning("replica not used (%s): reads go to the primary", reason or f"{lag:.1f} s behind")
        elif changed:
            logger.info("replica used again (%.1f s behind)", lag)


_health = _ReplicaHealth()


def _measure() -> float | None:
    """The replica's lag in seconds, or None when it cannot be reached."""
    conn = connections[REPLICA]
    try:
        conn.close_if_health_check_failed()
        conn.ensure_connection()
        if conn.vendor != "postgresql":
            return 0.0
        with conn.cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = cursor.fetchone()[0]
    except DatabaseError as error:
        _health.mark(down=True, reason=_reason(error))
        return None
    lag = float(lag or 0)
    _health.mark(down=False, lag=lag)
    return lag


def replica_lag(*, fresh: bool = False) -> float | None:
    """The replica's lag (seconds) as this process last measured it, measured again when older
    than DATABASE_REPLICA_LAG_CHECK_SECONDS (or `fresh`); None while it is down."""
    now = time.monotonic()
    if not fresh and now < _health.down_until:
        return None
    if fresh or now - _health.measured_at >= settings.DATABASE_REPLICA_LAG_CHECK_SECONDS:
        return _measure()
    return _health.lag


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def replica_usable() -> bool:
    """Whether this request may read the replica: it answers, and lags no more than the bound."""
    if REPLICA not in settings.DATABASES:
        return False
    lag = replica_lag()
    if lag is None or lag > settings.DATABASE_REPLICA_MAX_LAG:
        return False
    conn = connections[REPLICA]
    try:
        # Between measurements, a kept connection that died is found out here (Django's own health
        # check, CONN_HEALTH_CHECKS, once per request) and reopened, before the view reads.
        conn.close_if_health_check_failed()
        conn.ensure_connection()
    except DatabaseError as error:
        _health.mark(down=True, reason=_reason(error))
        return False
    return True


def pin_seconds() -> int:
    """How long a writer reads the primary: the replica's measured lag, at least the floor."""
    return max(settings.DATABASE_REPLICA_PIN_SECONDS, math.ceil(_health.lag) + 1)


def _pin_key(user_id) -> str:
    return f"replica:pin:user:{user_id}"


def _pinned(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    pinned = cache.get(_pin_key(user.pk)) is not None
    # With the cache away a pin cannot be read: read the primary rather than miss one's own write.
    return pinned or degraded.cache_down()


def _replica_paths() -> list[re.Pattern]:
    return [re.compile(p) for p in settings.DATABASE_REPLICA_PATHS]


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may come from the replica, and pins writers to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = _replica_paths()

    def __call__(self, request):
        replica = (
            request.method in SAFE_METHODS
            and PIN_COOKIE not in request.COOKIES
            and any(p.search(request.path_info) for p in self.paths)
            and replica_usable()
        )
        state = _ReplicaRead(request) if replica else None
        token = _reading_replica.set(state)
        try:
            response = self.get_response(request)
        finally:
            _reading_replica.reset(token)
        if state is not None and response.streaming:
            # A streamed export runs its queries while the server iterates, after this returns.
            response.streaming_content = _on_replica(response.streaming_content, state)
        if request.method not in SAFE_METHODS:
            seconds = pin_seconds()
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                cache.set(_pin_key(user.pk), 1, seconds)
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _on_replica(chunks, state):
    token = _reading_replica.set(state)
    try:
        yield from chunks
    finally:
        _reading_replica.reset(token)
