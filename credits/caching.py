"""Versions for cached reads of a person's hours (issue 15, reads).

A cached read is stored under a key that carries two versions: the person's (bumped when their
ledger, summary or memberships change) and the shared one (bumped when a policy, conversion rule,
requirement, course, study guide, topic or organisation changes). A bump replaces the version by
a new random token once the writing transaction commits, so the next read after one's own write
misses the cache and reads the database; entries under old versions are never read again and
expire. A version that is missing (evicted, flushed) is replaced by a new token too, never by a
default that an old entry could match.

Reads inside a transaction are never cached (they may see uncommitted rows), and reads are stored
only after the versions were read, so a write committing in between leaves the entry under a
version nobody asks for any more.

Write paths call `bump_people(ids)` (credits.services.ledger `_apply_records`, which every ledger
write goes through) or `bump_shared()`; model signals (`connect`, from CreditsConfig.ready) cover
the rest.
"""

from uuid import uuid4

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal import degraded

SHARED_KEY = "credits:version:shared"
ENTRY_TTL = 600
# A batch touching more people than this bumps the shared version instead of one key per person.
MAX_PEOPLE_BUMPED = 500


def _person_key(person_id: int) -> str:
    return f"credits:version:person:{person_id}"


def _new_token() -> str:
    return uuid4().hex[:16]


def _versions(found: dict, keys: list[str]) -> str:
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_token(), None)
        found.update(cache.get_many(missing))
        # Nothing stored (a cache that refuses): a token no one else holds, so nothing is shared.
        found.update({k: _new_token() for k in missing if k not in found})
    return ".".join(found[k] for k in keys)


def versions(person_id: int) -> str:
    """The shared and the person's current versions, as one string."""
    keys = [SHARED_KEY, _person_key(person_id)]
    return _versions(cache.get_many(keys), keys)


def _bump(keys: list[str]) -> None:
    transaction.on_commit(lambda: _set_new_tokens(keys))


def _set_new_tokens(keys: list[str]) -> None:
    cache.set_many({key: _new_token() for key in keys}, None)
    if degraded.cache_down():
        # Dropped while Redis was away: entries stored before the outage would be read again.
        degraded.when_back(f"credits:{','.join(keys)}", lambda: _set_new_tokens(keys))


def bump_people(person_ids) -> None:
    """After a write to these people's ledger, summaries or memberships (runs on commit)."""
    ids = set(person_ids)
    if len(ids) > MAX_PEOPLE_BUMPED:
        bump_shared()
    elif ids:
        _bump([_person_key(pk) for pk in ids])


def bump_shared() -> None:
    """After a change every person's reads may depend on (runs on commit)."""
    _bump([SHARED_KEY])


def cached_read(name: str, *, person_id: int, parts: tuple, compute):
    """`compute()`, or what it returned for the same person and parts while the versions are the
    same. One cache round trip on a hit: the entry is read with the versions and carries those it
    was computed under (read before computing, so a write committing meanwhile makes it stale)."""
    if connection.in_atomic_block:
        return compute()
    degraded.replay_pending()
    keys = [SHARED_KEY, _person_key(person_id)]
    entry_key = f"credits:read:{name}:{person_id}:{':'.join(map(str, parts))}"
    found = cache.get_many([*keys, entry_key])
    entry = found.pop(entry_key, None)
    current = _versions(found, keys)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = compute()
    cache.set(entry_key, (current, value), ENTRY_TTL)
    return value


def _shared_changed(sender=None, **kwargs) -> None:
    bump_shared()


def _membership_changed(sender=None, instance=None, **kwargs) -> None:
    bump_people([instance.user_id])


def connect() -> None:
    """Bump the versions on the model changes the cached reads depend on (CreditsConfig.ready)."""
    # Models are not ready when this module is imported (it is imported by the write paths).
    from accounts.models import Membership, Organisation  # noqa: PLC0415 -- models not ready at import
    from courses.models import Course, StudyGuide, Topic  # noqa: PLC0415 -- models not ready at import

    from .models import ConversionRule, Requirement, YearPolicy  # noqa: PLC0415 -- models not ready at import

    for model in (YearPolicy, ConversionRule, Requirement, Course, StudyGuide, Topic, Organisation):
        uid = f"credits_caching_{model._meta.label_lower}"
        post_save.connect(_shared_changed, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(_shared_changed, sender=model, dispatch_uid=f"{uid}_deleted")
    m2m_changed.connect(_shared_changed, sender=Requirement.employers.through, dispatch_uid="credits_caching_req_emp")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="credits_caching_membership_saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="credits_caching_membership_deleted")
