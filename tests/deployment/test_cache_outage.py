"""The shared cache may go away (issue 22): a cached read whose version bump was dropped while
Redis hung is not served after Redis is back: the bump is replayed first. Starts its own
redis-server (tests/deployment/faults.py)."""

import shutil
import time

import pytest

from portal import cache_versions, degraded

from .faults import cache_at

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def redis_cache(redis_server):
    """The cache is this test's own Redis."""
    with cache_at(redis_server.url, REDIS_RETRY_SECONDS=1):
        yield redis_server


def _read(value):
    return cache_versions.cached(
        "outage-test", (424242, 2022), lambda: value, versions=cache_versions.for_person(424242)
    )


def test_a_write_made_while_redis_hung_is_seen_after_it_is_back(redis_cache, caplog):
    assert _read("before") == "before"
    assert _read("ignored") == "before"  # served from the cache

    redis_cache.pause()
    try:
        cache_versions.bump_people([424242])  # outside a transaction: runs now, and is dropped
        assert _read("during") == "during"  # the cache misses, the database answers
        assert degraded.cache_down()
    finally:
        redis_cache.resume()
    time.sleep(1.2)

    assert _read("after") == "after"  # not "before": the dropped bump was replayed first
    assert any("cache unavailable" in r.getMessage() for r in caplog.records if r.name == "portal.degraded")
