"""Running without Redis (issue 22): the cache misses instead of raising, and a Redis that is down
or hung costs one request a short timeout, not every request.

django-redis ignores the cache's connection errors (IGNORE_EXCEPTIONS, portal/deployment.py):
a read misses, a write is dropped, sessions are read from the database (`cached_db`). On its own
that still lets every cache call of every request wait for the socket timeout while Redis hangs.
The connection class here remembers a failure for `REDIS_RETRY_SECONDS` in this process: until
then the cache answers "interrupted" at once, without touching the network; the first call after
that tries Redis again. Each change of state is logged once on the `portal.degraded` logger.

What a dropped write would leave behind is replayed when the cache answers again: the cached
reads' version bumps (portal.cache_versions) register themselves with `when_back`, so
entries written before the outage are not served after it.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("portal.degraded")

_lock = threading.Lock()
_down_until = 0.0
_pending: dict[str, Callable[[], None]] = {}


def cache_down() -> bool:
    """True while this process treats the shared cache as unavailable."""
    return time.monotonic() < _down_until


def _trip(error: Exception) -> None:
    global _down_until
    seconds = getattr(settings, "REDIS_RETRY_SECONDS", 5)
    with _lock:
        was_down = _down_until > 0
        _down_until = time.monotonic() + seconds
    if not was_down:
        logger.warning(
            "cache unavailable (%s): cache reads miss, sessions read from the database; retrying in %s s",
            error,
            seconds,
        )


def _recovered() -> None:
    global _down_until
    with _lock:
        if not _down_until:
            return
        _down_until = 0.0
    logger.info("cache answers again")


def when_back(name: str, replay: Callable[[], None]) -> None:
    """Run `replay` when the cache answers again in this process (a dropped version bump); one
    replay per name however often it was dropped."""
    with _lock:
        _pending[name] = replay


def replay_pending() -> None:
    """Called by the cached reads before they read: a process whose dropped writes wait, and whose
    cache is back, replays them first."""
    if _pending and not cache_down():
        with _lock:
            pending = list(_pending.values())
            _pending.clear()
        for replay in pending:
            replay()


class _Breaker:
    """Mixed into redis-py's connection classes (CONNECTION_POOL_KWARGS["connection_class"])."""

    def connect(self, *args, **kwargs):
        if cache_down():
            raise RedisConnectionError("cache marked unavailable by an earlier failure")
        try:
            result = super().connect(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            _trip(error)
            raise
        _recovered()
        return result

    def send_packed_command(self, *args, **kwargs):
        if cache_down():
            self.disconnect()
            raise RedisConnectionError("cache marked unavailable by an earlier failure")
        try:
            return super().send_packed_command(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            _trip(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            _trip(error)
            raise


class BreakerConnection(_Breaker, Connection):
    pass


class BreakerSSLConnection(_Breaker, SSLConnection):
    pass


class BreakerUnixConnection(_Breaker, UnixDomainSocketConnection):
    pass


def connection_class_for(url: str) -> type:
    if url.startswith("rediss://"):
        return BreakerSSLConnection
    if url.startswith("unix://"):
        return BreakerUnixConnection
    return BreakerConnection
