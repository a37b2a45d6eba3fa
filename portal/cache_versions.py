"""Cached reads behind version counters: the one rule for every app (issue 24).

Versions. A version is a named counter in the shared cache: `CATALOGUE` (whatever the public
catalogue shows: courses, teachers, topics, platforms, providers' names), `SHARED` (whatever every
person's hours depend on besides the catalogue: policies, conversion rules, requirements, study
guides, organisations) and `person(pk)` (one person's ledger, summary and memberships). Its value
is the time (ns) it was last bumped, or created: a version that is missing (evicted, flushed) is
created at the current time, never given a default an old entry could match.

Bumps. A write calls `bump(name, ...)` (or `bump_people(ids)`); model signals call it for the rest
(courses.apps, credits.apps). The new value is set when the writing transaction commits
(`transaction.on_commit`, at once outside a transaction): a rolled-back write never bumps, and a
bump never lands before the rows it announces are visible.

Reads. `cached(name, parts, compute, versions=...)` returns what `compute()` returned for the same
name and parts while none of the `versions` changed: the entry is stored with the versions it was
computed under, read back with them in one round trip, and served only when they are all still the
current ones. The versions are read before computing, so a write committing meanwhile leaves the
entry under versions nobody asks for any more.

Transactions. Inside a transaction (a write path, a test) the cache is neither read nor written:
the transaction may see rows not yet committed, and must see its own.

Replica lag. A read made by a request that may read the replica (`db_router.may_read_replica`:
reports, exports, the public catalogue) is stored only once every version it depends on is older
than the replica's lag window (`portal.db_router.pin_seconds`: the measured lag, at least
DATABASE_REPLICA_PIN_SECONDS): right after a commit the replica may still show the old rows, which
must not be stored under the new version. A read of the primary (a person's own hours) sees every
committed row and is stored at once. The writer themselves reads the
primary for that window (portal.db_router), so they see their own write on the next page.

Redis away. Every cache call goes through django-redis with a short socket timeout and ignored
connection errors, behind the breaker of portal.degraded: while the cache is marked down, reads are
computed from the database without touching the cache. A bump dropped while it was down is
replayed (`degraded.when_back`) before the next cached read once it answers again, so no entry
stored before the outage is served after it. Nothing here raises because the cache failed.
"""

import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from portal import db_router, degraded

CATALOGUE = "catalogue"
SHARED = "shared"
# How long an entry stays when nothing bumps its versions.
ENTRY_TTL = 600
# A batch touching more people than this bumps SHARED instead of one version per person.
MAX_PEOPLE_BUMPED = 500


def person(pk: int) -> str:
    """The version of one person's ledger, summary and memberships."""
    return f"person:{pk}"


def for_person(pk: int) -> tuple[str, ...]:
    """Everything a read of one person's hours depends on (the plan suggests catalogue courses)."""
    return (CATALOGUE, SHARED, person(pk))


def _key(name: str) -> str:
    return f"versions:{name}"


def _fill(found: dict, names: Iterable[str]) -> tuple[int, ...]:
    """The current value of each version (`found` holds those already read), creating the missing."""
    keys = [_key(n) for n in names]
    missing = [k for k in keys if k not in found]
    if missing:
        now = time.time_ns()
        for key in missing:
            cache.add(key, now, None)
        found.update(cache.get_many(missing))
        # Nothing stored (a cache that refuses): a value no stored entry carries.
        found.update({k: now for k in missing if k not in found})
    return tuple(found[k] for k in keys)


def current(*names: str) -> tuple[int, ...]:
    """The current values of these versions."""
    return _fill(cache.get_many([_key(n) for n in names]), names)


def _set(names: tuple[str, ...]) -> None:
    cache.set_many(dict.fromkeys((_key(n) for n in names), time.time_ns()), None)
    if degraded.cache_down():
        # Dropped while Redis was away: entries stored before the outage would be read again.
        degraded.when_back(f"versions:{','.join(names)}", lambda: _set(names))


def bump(*names: str) -> None:
    """After a write that changes what reads behind these versions show (set on commit)."""
    if names:
        transaction.on_commit(lambda: _set(names))


def bump_people(person_ids) -> None:
    """After a write to these people's ledger, summaries or memberships (set on commit)."""
    ids = set(person_ids)
    if len(ids) > MAX_PEOPLE_BUMPED:
        bump(SHARED)
    elif ids:
        bump(*(person(pk) for pk in sorted(ids)))


def _settled(versions: tuple[int, ...]) -> bool:
    """Whether a read made now may be stored: it read the primary, or every version is older than
    the replica's lag window."""
    if db_router.REPLICA not in settings.DATABASES or not db_router.may_read_replica():
        return True
    return time.time_ns() - max(versions) >= db_router.pin_seconds() * 1_000_000_000


def _entry_key(name: str, parts: tuple) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"cached:{name}:{digest}"


def cached(name: str, parts: tuple, compute: Callable, *, versions: tuple[str, ...]):
    """`compute()`, or what it returned for the same `name` and `parts` while `versions` are
    unchanged (the rule is in the module's docstring). `parts` must say everything the value
    depends on besides the versions: the person, the year, the language, the query string."""
    if connection.in_atomic_block:
        return compute()
    degraded.replay_pending()
    if degraded.cache_down():
        return compute()
    entry_key = _entry_key(name, parts)
    found = cache.get_many([*(_key(n) for n in versions), entry_key])
    entry = found.pop(entry_key, None)
    seen = _fill(found, versions)
    if entry is not None and entry[0] == seen:
        return entry[1]
    value = compute()
    if _settled(seen):
        cache.set(entry_key, (seen, value), ENTRY_TTL)
    return value
