"""The public catalogue's cache: its rendered pages and counts, behind one catalogue version.

Every write that can change what the catalogue shows (a course, its teachers, a topic, a platform,
a provider's name) bumps the version, once at once and again when the transaction commits
(`bump_catalogue_version`), so no process keeps serving what it read before the change. Entries
are stored only outside transactions (a test's or a view's uncommitted rows are never cached), and
only once the version has settled for longer than the read replica's lag: a reader that reaches the
replica right after a commit may still see the old rows, and must not store them under the new
version.

The version lives in the shared cache (Redis in production, so every web process sees the same
version); with the per-process local-memory cache of a single development process the same holds.
When the version key is evicted it restarts at the current time: old entries are never read again.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from portal import degraded

VERSION_KEY = "courses:catalogue:version"
# How long a rendered page or a count stays when nothing bumps the version.
CATALOGUE_TTL = 600


def catalogue_version() -> int:
    """The current version: the time (ns) of the last change, or of the first read after eviction."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY, version)
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)
    if degraded.cache_down():
        # Dropped while Redis was away: pages stored before the outage would be served again.
        degraded.when_back(VERSION_KEY, _bump)


def bump_catalogue_version(*args, **kwargs) -> None:
    """Invalidate every cached catalogue page and count (also a signal receiver): now, and once the
    current transaction commits (at once when there is none)."""
    _bump()
    transaction.on_commit(_bump)


def cacheable(version: int) -> bool:
    """Store only what is committed and read after the version settled on the replica."""
    if connection.in_atomic_block:
        return False
    if "replica" not in settings.DATABASES:
        return True
    return time.time_ns() - version >= settings.DATABASE_REPLICA_PIN_SECONDS * 1_000_000_000


def key(kind: str, version: int, *parts) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"courses:catalogue:{kind}:{version}:{digest}"


def cached(kind: str, parts: tuple, compute):
    """The value stored for `parts` under the current version, else `compute()` (stored when
    `cacheable`). Inside a transaction the cache is not even read: the transaction may hold changes
    not yet committed (and tests' rolled-back rows never meet another test's entries)."""
    if connection.in_atomic_block:
        return compute()
    degraded.replay_pending()
    version = catalogue_version()
    name = key(kind, version, *parts)
    value = cache.get(name)
    if value is None:
        value = compute()
        if cacheable(version):
            cache.set(name, value, CATALOGUE_TTL)
    return value
