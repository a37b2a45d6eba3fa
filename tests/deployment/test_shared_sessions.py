"""With REDIS_URL set, every web process reads the same sessions and cache from Redis (the session
written through to the database too). `.ci/run` runs this file with a real Redis."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache

from accounts.models import Role
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.skipif(
        not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
        reason="REDIS_URL is not set: cache and sessions are local to the process here (.ci/run sets it)",
    ),
    pytest.mark.django_db,
]


def test_a_login_lands_in_redis_and_in_the_database(client):
    client.force_login(user_with_role(Role.PROFESSIONAL))
    key = client.session.session_key
    try:
        assert cache.get(KEY_PREFIX + key)["_auth_user_id"]
        assert Session.objects.filter(session_key=key).exists()
    finally:
        cache.delete(KEY_PREFIX + key)


def test_a_value_cached_here_is_seen_by_every_process():
    cache.set("deployment-test", "共享", 30)
    try:
        from redis import Redis

        raw = Redis.from_url(settings.CACHES["default"]["LOCATION"])
        assert any(b"deployment-test" in k for k in raw.keys("*deployment-test*"))
    finally:
        cache.delete("deployment-test")
