"""The one rule for cached reads (portal.cache_versions, issue 24): versions bump on commit only, a
read after a bump misses what was stored before it, nothing is stored from inside a transaction or
before the replica caught up, and with Redis away reads come from the database without an error.

These tests commit (transaction=True): the cache is used only outside transactions."""

import pytest
from django.core.cache import cache
from django.db import transaction

from accounts.models import User
from portal import cache_versions as cv
from portal import db_router, degraded
from tests.deployment.faults import cache_at, free_port
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

VERSION = "test"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _read(value, *, parts=(1,)):
    return cv.cached("unit", parts, lambda: value, versions=(VERSION,))


def test_a_bump_lands_when_the_write_commits_and_never_when_it_rolls_back():
    before = cv.current(VERSION)
    with pytest.raises(RuntimeError), transaction.atomic():
        cv.bump(VERSION)
        raise RuntimeError
    assert cv.current(VERSION) == before  # rolled back: no bump
    with transaction.atomic():
        cv.bump(VERSION)
        assert cv.current(VERSION) == before  # not before the commit
    assert cv.current(VERSION) != before


def test_a_read_after_a_bump_misses_what_was_stored_before_it():
    assert _read("old") == "old"
    assert _read("new") == "old"  # stored, served while the version stands
    assert _read("other parts", parts=(2,)) == "other parts"  # parts keep entries apart
    cv.bump(VERSION)
    assert _read("new") == "new"
    assert _read("newer") == "new"


def test_a_write_committing_while_a_read_computes_leaves_that_read_unserved():
    def compute():
        cv.bump(VERSION)  # commits (autocommit) after the reader read the version
        return "computed before the write"

    assert cv.cached("unit", (1,), compute, versions=(VERSION,)) == "computed before the write"
    assert _read("after the write") == "after the write"


def test_reads_inside_a_transaction_neither_read_nor_store_the_cache():
    assert _read("committed") == "committed"
    with transaction.atomic():
        assert _read("uncommitted") == "uncommitted"  # may see its own uncommitted rows
    assert _read("later") == "committed"


def test_a_lost_version_is_never_one_an_old_entry_carries():
    assert _read("old") == "old"
    cache.delete(cv._key(VERSION))  # evicted
    assert _read("new") == "new"


def test_many_people_bump_the_shared_version_and_a_few_their_own():
    shared, mine, yours = cv.current(cv.SHARED), cv.current(cv.person(1)), cv.current(cv.person(2))
    cv.bump_people([1])
    assert cv.current(cv.SHARED) == shared and cv.current(cv.person(2)) == yours
    assert cv.current(cv.person(1)) != mine
    cv.bump_people(range(cv.MAX_PEOPLE_BUMPED + 1))
    assert cv.current(cv.SHARED) != shared


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_replica_read_is_not_stored_before_the_replica_caught_up_a_primary_read_is(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    settings.DATABASE_REPLICA_PIN_SECONDS = 3600
    cv.bump(VERSION)
    token = db_router._reading_replica.set(db_router._ReplicaRead(request=None))
    try:
        assert _read("first") == "first"
        assert _read("second") == "second"  # the version is younger than the lag window: not stored
    finally:
        db_router._reading_replica.reset(token)
    # A request that reads the primary (a person's own hours) sees every committed row: stored.
    assert _read("third") == "third"
    assert _read("fourth") == "third"


def test_with_redis_away_reads_come_from_the_database_and_nothing_fails(caplog):
    UserFactory()
    with cache_at(f"redis://127.0.0.1:{free_port()}/0"):
        count = cv.cached("unit-db", (1,), User.objects.count, versions=(VERSION,))
        assert count == User.objects.count()
        assert degraded.cache_down()
        UserFactory()
        cv.bump(VERSION)  # dropped, and remembered for when the cache is back
        assert cv.cached("unit-db", (1,), User.objects.count, versions=(VERSION,)) == count + 1
        assert degraded._pending
    assert any(r.name == "portal.degraded" and "cache unavailable" in r.getMessage() for r in caplog.records)
