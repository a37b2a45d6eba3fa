"""Health that tells the truth (issue 22): /healthz/ says the process answers and touches nothing
else; /readyz/ checks each dependency with a short timeout and names the one that failed."""

import pytest

from .faults import cache_at, free_port


def test_liveness_touches_no_dependency(client):
    # No django_db mark: pytest-django makes any database access in this test raise.
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


# Every alias: where a replica is configured (.ci/run), its check opens a connection to it.
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_readiness_names_each_dependency(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {"database", "cache", "storage"} <= set(body["checks"])
    assert set(body["checks"].values()) == {"ok"}


@pytest.fixture
def redis_stopped():
    """The cache is a Redis at a port where nothing listens (Redis stopped)."""
    with cache_at(f"redis://127.0.0.1:{free_port()}/0"):
        yield


@pytest.mark.django_db(transaction=True)
def test_without_redis_the_portal_is_degraded_not_unavailable(client, redis_stopped):
    response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok" and body["checks"]["cache"] != "ok"


@pytest.mark.django_db(transaction=True)
def test_a_required_dependency_that_fails_makes_readiness_503(client, redis_stopped, settings):
    settings.READYZ_REQUIRED = ["database", "cache"]
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
