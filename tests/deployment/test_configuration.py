"""Several machines are configured by the environment alone (portal/deployment.py): what each
variable switches on, and the single-machine defaults when none is set."""

import os

import environ
import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from portal import db_router, deployment
from portal.db_router import PIN_COOKIE, ReplicaReadsMiddleware, ReplicaRouter, _reading_replica

VARIABLES = (
    "REDIS_URL", "CACHE_URL", "DJANGO_CACHE_URL", "S3_BUCKET", "AWS_STORAGE_BUCKET_NAME", "S3_ENDPOINT_URL",
    "DATABASE_REPLICA_URL", "DATABASE_PGBOUNCER", "REDIS_TIMEOUT", "DATABASE_CONNECT_TIMEOUT",
    "DATABASE_STATEMENT_TIMEOUT", "DATABASE_REPLICA_CONNECT_TIMEOUT", "S3_CONNECT_TIMEOUT", "S3_READ_TIMEOUT",
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
    assert caches["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert caches["default"]["LOCATION"] == "redis://10.0.0.5:6379/2"
    assert caches["default"]["KEY_PREFIX"] == "portal"
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


@pytest.fixture(autouse=True)
def replica_answers(monkeypatch):
    """These tests route requests, with no replica here: it answers and lags not (tests/deployment/
    test_faults.py and test_replica.py break and measure a real one)."""
    monkeypatch.setattr(db_router, "replica_usable", lambda: True)


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
    assert _reading_replica.get() is None


def test_writes_and_migrations_only_on_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(_Model) == "default"
    assert router.allow_migrate("replica", "credits") is False
    assert router.allow_migrate("default", "credits") is True


# Every network call has a timeout (issue 22): a hung dependency costs a request seconds.


def test_redis_cache_misses_after_a_short_timeout_instead_of_raising(env, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://10.0.0.5:6379/2")
    options = deployment.caches(env)["default"]["OPTIONS"]
    assert options["SOCKET_CONNECT_TIMEOUT"] == options["SOCKET_TIMEOUT"] == 0.5
    assert options["IGNORE_EXCEPTIONS"] is True
    # One failure is remembered for REDIS_RETRY_SECONDS, so the next calls do not wait at all.
    assert options["CONNECTION_POOL_KWARGS"]["connection_class"].__module__ == "portal.degraded"
    monkeypatch.setenv("REDIS_TIMEOUT", "0.2")
    assert deployment.caches(env)["default"]["OPTIONS"]["SOCKET_TIMEOUT"] == 0.2


def test_postgresql_connects_and_runs_each_statement_within_bounds(env, monkeypatch):
    database = {"ENGINE": "django.db.backends.postgresql"}
    deployment.database_timeouts(env, database)
    # Migrations, commands and tasks: connecting is bounded, statements are not.
    assert database["OPTIONS"] == {"connect_timeout": 5}
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "60")
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "3")
    database = {"ENGINE": "django.db.backends.postgresql"}
    deployment.database_timeouts(env, database)
    assert database["OPTIONS"] == {"connect_timeout": 3, "options": "-c statement_timeout=60000"}


def test_web_processes_bound_each_statement(monkeypatch):
    import runpy

    monkeypatch.delenv("DATABASE_STATEMENT_TIMEOUT", raising=False)
    runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert os.environ["DATABASE_STATEMENT_TIMEOUT"] == "60"


def test_the_replica_gives_up_connecting_sooner_than_the_primary(env, monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@10.0.0.7:5432/portal")
    default = {"OPTIONS": {"connect_timeout": 5, "options": "-c statement_timeout=60000"}}
    replica = deployment.replica_database(env, default)
    assert replica["OPTIONS"] == {"connect_timeout": 2, "options": "-c statement_timeout=60000"}
    assert default["OPTIONS"]["connect_timeout"] == 5


def test_object_storage_has_short_timeouts_and_few_retries(env, monkeypatch):
    monkeypatch.setenv("S3_BUCKET", "portal-files")
    config = deployment.default_storage(env)["OPTIONS"]["client_config"]
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert config.retries == {"max_attempts": 2, "mode": "standard"}


def test_the_running_settings_carry_the_timeouts():
    assert settings.EMAIL_TIMEOUT == 10
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT == 2
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] == 2
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] == 5
    assert settings.CELERY_REDIS_SOCKET_TIMEOUT == 5
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 5


class _Caller:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


def _as(user, method: str, path: str):
    seen = {}

    def view(request):
        seen["credits"] = ReplicaRouter().db_for_read(_Model)
        return HttpResponse()

    request = getattr(RequestFactory(), method.lower())(path)
    request.user = user
    with override_settings(DATABASE_REPLICA_PATHS=[r"^/api/v1/courses/"]):
        response = ReplicaReadsMiddleware(view)(request)
    return seen, response


def test_a_token_client_that_keeps_no_cookie_reads_its_own_write(monkeypatch):
    writer, other = _Caller(91_001), _Caller(91_002)
    _as(writer, "POST", "/api/v1/hour-records/")
    # No cookie comes back with the next request: the pin is kept per user.
    assert _as(writer, "GET", "/api/v1/courses/")[0]["credits"] is None
    assert _as(other, "GET", "/api/v1/courses/")[0]["credits"] == "replica"


def test_the_pin_follows_the_replicas_measured_lag(monkeypatch):
    monkeypatch.setattr(db_router._health, "lag", 25.4)
    _seen, response = _as(_Caller(91_003), "POST", "/api/v1/hour-records/")
    assert response.cookies[PIN_COOKIE]["max-age"] == 27
    monkeypatch.setattr(db_router._health, "lag", 0.2)
    _seen, response = _as(_Caller(91_004), "POST", "/api/v1/hour-records/")
    assert response.cookies[PIN_COOKIE]["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
