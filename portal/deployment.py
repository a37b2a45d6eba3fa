"""Settings for running on several machines, read from the environment (README, "Deployment").

portal/settings.py calls these; each returns the single-machine default when its variables are
unset, so a developer's checkout needs none of them.
"""

from botocore.config import Config
from kombu import Queue

from portal import degraded

# Celery queues: documents (LibreOffice, minutes of CPU) never hold up reminders or ledger intake.
# A worker started without -Q consumes all of them; production starts one pool per queue.
CELERY_QUEUES = ("default", "documents", "reminders", "intake")
CELERY_ROUTES = {
    "documents.tasks.*": {"queue": "documents"},
    "submissions.tasks.*": {"queue": "reminders"},
    "credits.tasks.*": {"queue": "intake"},
}


def celery_queues() -> list[Queue]:
    return [Queue(name, routing_key=name) for name in CELERY_QUEUES]


def replica_database(env, default: dict) -> dict | None:
    """The read replica (DATABASE_REPLICA_URL): same engine and options as the primary. In tests it
    mirrors the primary (no test database is created on a read-only standby); the replica test
    points it at the standby itself."""
    if not env.str("DATABASE_REPLICA_URL", default=""):
        return None
    replica = env.db_url("DATABASE_REPLICA_URL")
    for key in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        if key in default:
            replica.setdefault(key, default[key])
    if replica["ENGINE"] == "django.db.backends.postgresql":
        # A replica that is down fails this fast, and the router then reads the primary for
        # DATABASE_REPLICA_RETRY_SECONDS (portal/db_router.py).
        replica["OPTIONS"] = {
            **replica.get("OPTIONS", {}),
            "connect_timeout": env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2),
        }
    replica["TEST"] = {"MIRROR": "default"}
    return replica


def pgbouncer_options(env, database: dict) -> None:
    """Behind PgBouncer in transaction mode (DATABASE_PGBOUNCER=true) a server connection serves a
    different client after every transaction, so nothing may outlive one: no server-side cursors
    (they live across transactions) and short client connections."""
    if env.bool("DATABASE_PGBOUNCER", default=False):
        database["DISABLE_SERVER_SIDE_CURSORS"] = True


def caches(env) -> dict:
    """Shared cache when CACHE_URL or REDIS_URL is set (every web process sees the same throttles
    and sessions); otherwise one local-memory cache per process.

    Redis goes through django-redis, which can ignore connection errors (Django's own Redis backend
    raises them): with Redis down or hung a read misses and a write is dropped, after at most
    REDIS_TIMEOUT seconds, and portal.degraded remembers the failure for REDIS_RETRY_SECONDS so
    the next calls don't wait at all (issue 22)."""
    url = env.str("CACHE_URL", default="") or env.str("DJANGO_CACHE_URL", default="")
    redis_url = env.str("REDIS_URL", default="")
    if url.startswith(("redis://", "rediss://", "unix://")) or (not url and redis_url):
        location = url or redis_url
        timeout = env.float("REDIS_TIMEOUT", default=0.5)
        return {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": location,
                "KEY_PREFIX": "portal",
                "OPTIONS": {
                    "SOCKET_CONNECT_TIMEOUT": timeout,
                    "SOCKET_TIMEOUT": timeout,
                    "IGNORE_EXCEPTIONS": True,
                    "CONNECTION_POOL_KWARGS": {"connection_class": degraded.connection_class_for(location)},
                },
            }
        }
    if url:
        return {"default": env.cache_url_config(url)}
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def session_engine(cache_config: dict) -> str:
    """Sessions read from the shared cache and written through to the database, so any web
    process answers any request, a cache flush logs nobody out and, with Redis away, sessions are
    read from the database alone."""
    if cache_config["default"]["BACKEND"].endswith("RedisCache"):
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"


def database_timeouts(env, database: dict) -> None:
    """PostgreSQL: how long connecting may take (libpq's connect_timeout, whole seconds, at least 2)
    and how long one statement may run (statement_timeout, enforced by the server; 0 = none), so a
    dependency that hangs costs a request seconds, never the worker (issue 22). The web processes
    bound statements (gunicorn.conf.py sets DATABASE_STATEMENT_TIMEOUT=60); migrations, management
    commands and Celery tasks (bounded by their own time limits) are not bounded by default."""
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    statement_ms = env.int("DATABASE_STATEMENT_TIMEOUT", default=0) * 1000
    if statement_ms:
        current = options.get("options", "")
        options["options"] = f"{current} -c statement_timeout={statement_ms}".strip()


def default_storage(env) -> dict:
    """Uploaded and generated files on S3-compatible object storage when a bucket is named
    (S3_BUCKET or AWS_STORAGE_BUCKET_NAME); on the local file system otherwise. Files are private:
    views check access and stream them (portal.uploads.attachment_response)."""
    bucket = env.str("S3_BUCKET", default="") or env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}

    def first(*names, default=None):
        for name in names:
            if value := env.str(name, default=""):
                return value
        return default

    options = {
        "bucket_name": bucket,
        "endpoint_url": first("S3_ENDPOINT_URL", "AWS_S3_ENDPOINT_URL"),
        "region_name": first("S3_REGION", "AWS_S3_REGION_NAME", "AWS_DEFAULT_REGION"),
        "access_key": first("S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
        "secret_key": first("S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
        "location": first("S3_PREFIX", "AWS_LOCATION", default=""),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        # A store that is down or hung costs a request seconds (issue 22): short connect and read
        # timeouts and two attempts, instead of botocore's 60 s and up to 5 legacy retries.
        # (With a client_config, django-storages takes the addressing style from it alone.)
        "client_config": Config(
            s3={"addressing_style": first("S3_ADDRESSING_STYLE", "AWS_S3_ADDRESSING_STYLE", default="auto")},
            connect_timeout=env.float("S3_CONNECT_TIMEOUT", default=3),
            read_timeout=env.float("S3_READ_TIMEOUT", default=10),
            retries={"max_attempts": env.int("S3_MAX_ATTEMPTS", default=2), "mode": "standard"},
        ),
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {k: v for k, v in options.items() if v is not None}}
