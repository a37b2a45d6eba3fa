"""Several machines are configured by the environment alone (portal/deployment.py): what each
variable switches on, and the single-machine defaults when none is set."""

import environ
import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from portal import deployment
from portal.db_router import PIN_COOKIE, ReplicaReadsMiddleware, ReplicaRouter, _reading_replica

VARIABLES = (
    "REDIS_URL", "CACHE_URL", "DJANGO_CACHE_URL", "S3_BUCKET", "AWS_STORAGE_BUCKET_NAME", "S3_ENDPOINT_URL",
    "DATABASE_REPLICA_URL", "DATABASE_PGBOUNCER",
)  # fmt: skip


@pytest.fixture
def env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return environ.Env()


def test_one_machine_needs_no_variable(env):
    assert deployment.caches(env)["default"]["BACKEND"].endswith("LocMemCache")
    assert deployment.session_engine(deployment.caches(env)) == "django.contrib.sessions.backends.db"
    assert deployment.default_storage(env) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert deployment.replica_database(env, {}) is None


def test_redis_url_shares_cache_and_sessions_between_web_processes(env, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://10.0.0.5:6379/2")
    caches = deployment.caches(env)
    assert caches["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://10.0.0.5:6379/2",
        "KEY_PREFIX": "portal",
    }
    # Read from Redis, written through to the database: a Redis restart logs nobody out.
    assert deployment.session_engine(caches) == "django.contrib.sessions.backends.cached_db"


def test_cache_url_wins_over_redis_url(env, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://10.0.0.5:6379/2")
    monkeypatch.setenv("CACHE_URL", "redis://10.0.0.6:6379/0")
    assert deployment.caches(env)["default"]["LOCATION"] == "redis://10.0.0.6:6379/0"


def test_a_bucket_puts_files_on_private_object_storage(env, monkeypatch):
    monkeypatch.setenv("S3_BUCKET", "portal-files")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://oss.example.cn")
    storage = deployment.default_storage(env)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "portal-files"
    assert storage["OPTIONS"]["endpoint_url"] == "https://oss.example.cn"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["file_overwrite"] is False


def test_the_replica_takes_the_primarys_options_and_mirrors_it_in_tests(env, monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@10.0.0.7:5432/portal")
    replica = deployment.replica_database(env, {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True})
    assert (replica["HOST"], replica["USER"], replica["CONN_MAX_AGE"]) == ("10.0.0.7", "reader", 60)
    assert replica["TEST"] == {"MIRROR": "default"}


def test_behind_pgbouncer_no_server_side_cursors(env, monkeypatch):
    database = {}
    deployment.pgbouncer_options(env, database)
    assert "DISABLE_SERVER_SIDE_CURSORS" not in database
    monkeypatch.setenv("DATABASE_PGBOUNCER", "true")
    deployment.pgbouncer_options(env, database)
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_documents_have_a_queue_apart_from_reminders_and_intake():
    routes = settings.CELERY_TASK_ROUTES
    assert routes["documents.tasks.*"] == {"queue": "documents"}
    assert routes["submissions.tasks.*"] == {"queue": "reminders"}
    assert routes["credits.tasks.*"] == {"queue": "intake"}
    # A worker started without -Q consumes every queue, so one machine still runs everything.
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == {"default", "documents", "reminders", "intake"}


class _Model:
    class _meta:
        app_label = "credits"


class _Session:
    class _meta:
        app_label = "sessions"


def _through_middleware(method: str, path: str, cookies: dict | None = None):
    seen = {}

    def view(request):
        seen["credits"] = ReplicaRouter().db_for_read(_Model)
        seen["sessions"] = ReplicaRouter().db_for_read(_Session)
        return HttpResponse()

    request = getattr(RequestFactory(), method.lower())(path)
    request.COOKIES.update(cookies or {})
    with override_settings(DATABASE_REPLICA_PATHS=[r"^/hours/(province|city)/", r"/export/$", r"^/courses/"]):
        response = ReplicaReadsMiddleware(view)(request)
    return seen, response


def test_reports_exports_and_the_catalogue_read_the_replica_but_sessions_never_do():
    for path in ("/hours/province/", "/hours/city/", "/hours/roster/export/", "/courses/"):
        seen, _response = _through_middleware("GET", path)
        assert seen == {"credits": "replica", "sessions": None}, path


def test_other_pages_and_every_write_use_the_primary():
    assert _through_middleware("GET", "/hours/")[0]["credits"] is None
    seen, response = _through_middleware("POST", "/hours/province/")
    assert seen["credits"] is None
    assert response.cookies[PIN_COOKIE]["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS


def test_a_pinned_writer_reads_the_primary_until_the_cookie_expires():
    seen, response = _through_middleware("GET", "/hours/province/", cookies={PIN_COOKIE: "1"})
    assert seen["credits"] is None
    assert PIN_COOKIE not in response.cookies
    assert _reading_replica.get() is False


def test_writes_and_migrations_only_on_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(_Model) == "default"
    assert router.allow_migrate("replica", "credits") is False
    assert router.allow_migrate("default", "credits") is True
