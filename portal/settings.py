"""Settings for the continuing-education portal.

One module, read from the environment. With nothing set the portal runs on a SQLite file
in the project folder, runs Celery tasks eagerly and has DEBUG off; `make run` turns DEBUG on
(DJANGO_DEBUG=true). DJANGO_PRODUCTION=true switches to production mode, which requires a real
secret key and turns on every protection `manage.py check --deploy` asks for.
"""

import os
import time
from datetime import timedelta
from pathlib import Path

import environ
import pghistory
from celery.schedules import crontab
from django.core.management.utils import get_random_secret_key

from portal import deployment

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Production means "not a developer's machine": strict secrets, HTTPS only, no demo data.
PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False) and not DEBUG

# Files the running portal makes for itself (development secret key, fontconfig file,
# LibreOffice profiles, beat's schedule): one folder per checkout, ignored by git.
RUNTIME_DIR = Path(env.str("DJANGO_RUNTIME_DIR", default=str(BASE_DIR / "var")))


def _development_secret_key(path: Path) -> str:
    """A key made once and kept in the runtime folder, so every development process (runserver,
    gunicorn workers, a Celery worker) signs sessions and tokens alike. O_EXCL: when two
    processes start at once, one writes and the other reads what it wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            key = path.read_text(encoding="utf-8").strip()
            if key:
                return key
            time.sleep(0.05)
        raise
    key = get_random_secret_key()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


if PRODUCTION:
    # No default: a production process without its own key must not start.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _development_secret_key(RUNTIME_DIR / "secret_key")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Apps in dependency order: accounts <- courses <- credits <- selection; submissions and
# documents beside them; portal wires them together.
PROJECT_APPS = ["accounts", "courses", "credits", "selection", "submissions", "documents", "portal"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security: it sees every response, including Django's own error pages.
    "portal.api.middleware.ApiJsonErrorsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    # Control characters and over-long URLs are refused before any other middleware reads them.
    "portal.input_guard.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: names the signed-in user (or the API token's) on every change it records.
    "portal.history.context.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # AxesMiddleware must be last: it turns a lockout signalled by the backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # One home for templates: each app's templates/<app>/ (portal's holds base.html, the error
        # pages and includes/), found by APP_DIRS.
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    deployment.pgbouncer_options(env, DATABASES["default"])
    deployment.database_timeouts(env, DATABASES["default"])
# Reports, exports and public catalogue reads from a streaming replica (portal/db_router.py).
if _replica := deployment.replica_database(env, DATABASES["default"]):
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
    _sessions = MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    MIDDLEWARE.insert(_sessions, "portal.db_router.ReplicaReadsMiddleware")
DATABASE_REPLICA_PATHS = env.list(
    "DATABASE_REPLICA_PATHS",
    default=[r"^/hours/(province|city)/", r"/export/$", r"^/courses/", r"^/api/v1/courses/"],
)
# A writer's next pages read the primary for the replica's measured lag, and at least this long.
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
# The replica is optional at run time (issue 22): reads go to the primary while it is down (for
# this long after a failed connection) or lags by more than DATABASE_REPLICA_MAX_LAG seconds (the
# lag is measured at most every DATABASE_REPLICA_LAG_CHECK_SECONDS).
DATABASE_REPLICA_RETRY_SECONDS = env.int("DATABASE_REPLICA_RETRY_SECONDS", default=10)
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=30)
DATABASE_REPLICA_LAG_CHECK_SECONDS = env.float("DATABASE_REPLICA_LAG_CHECK_SECONDS", default=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# History (docs/history.md): triggers are installed after every `migrate` rather than written into
# each tracked app's migrations, so the event models' one migration (portal) is all there is to merge.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# Reads never write: only requests that may change something carry a history context.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Events are read by object (pgh_obj, indexed), never by the units or topics they copy: those
# copied foreign keys get no index, which keeps each recorded change to one or two index writes.
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
# One trigger run per statement (transition tables), not per row: the course import and bulk
# updates write thousands of rows in one statement.
PGHISTORY_LEVEL = pghistory.Statement

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.UsernameOrIdNumberBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

# Brute-force protection: five wrong passwords lock the account (not the whole office
# behind one NAT address) for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# axes.W006 warns that locking without the IP lets attackers rotate user agents; we lock the
# account itself, which no rotation gets around, and locking whole office NATs would lock out
# every professional of a hospital because of one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as Chinese pages write them (2026年12月8日) for {{ day }} and |date too; see the module.
FORMAT_MODULE_PATH = ["portal.locale_formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# make bench collects into a folder of its own, so a test run meanwhile never sees half a copy.
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": deployment.default_storage(env),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, static files come straight from the apps' folders (no collectstatic),
# with DEBUG off as well.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded files are never served from MEDIA_URL directly: views check access and send
# them as attachments. These limits stop oversized requests before a view sees them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_PERMISSIONS = 0o640

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@sdce.example.cn")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)

CACHES = deployment.caches(env)
SESSION_ENGINE = deployment.session_engine(CACHES)
# After a failed Redis call the cache is skipped for this long in that process (portal/degraded.py).
REDIS_RETRY_SECONDS = env.int("REDIS_RETRY_SECONDS", default=5)
# /readyz/ answers 503 when one of these fails, 200 "degraded" when another does (portal/health.py).
READYZ_REQUIRED = env.list("READYZ_REQUIRED", default=["database"])

# Celery: with no broker configured tasks run in-process, so development needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# At-least-once delivery: a task's message is acknowledged only when the task has finished,
# and handed back to the queue when the worker process running it dies (killed, out of memory),
# so a lost job is seen again (documents.services.run_job then ends it as failed).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest a task may run: the soft limit raises inside the task (the job ends failed with
# a message), the hard limit kills the process a minute later.
DOCUMENTS_JOB_TIME_LIMIT = env.int("DOCUMENTS_JOB_TIME_LIMIT", default=900)
CELERY_TASK_SOFT_TIME_LIMIT = DOCUMENTS_JOB_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = DOCUMENTS_JOB_TIME_LIMIT + 60
# Redis hands an unacknowledged message to another worker after this long: longer than any task
# may run (or a running job would be started twice), short enough that a dead worker's messages
# come back within minutes instead of Redis' default hour.
# socket_*: a broker that is down or hung costs the web request that enqueues seconds (issue 22).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 300,
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2),
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2)
CELERY_REDIS_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5)
# Sending a task that keeps its result first subscribes to the result backend; Celery's default
# retries a dead Redis 20 times a second apart (a 20 s hang, issue 22). Two quick tries instead.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
}
CELERY_TIMEZONE = TIME_ZONE
# Named queues (portal/deployment.py): `celery worker -Q documents` on the machines that convert.
CELERY_TASK_QUEUES = deployment.celery_queues()
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = deployment.CELERY_ROUTES
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(RUNTIME_DIR / "celerybeat-schedule")
# Apps add their periodic jobs here (see submissions.tasks for the deadline reminders).
CELERY_BEAT_SCHEDULE: dict = {
    # Materials: mail units that have not sent yet, 7 days and 1 day before their deadline.
    "submissions-deadline-reminders": {
        "task": "submissions.tasks.send_deadline_reminders",
        "schedule": timedelta(hours=1),
    },
    # Document jobs without progress for longer than DOCUMENTS_JOB_TIME_LIMIT end as failed.
    "documents-sweep-stale-jobs": {
        "task": "documents.tasks.sweep_stale_jobs",
        "schedule": timedelta(minutes=1),
    },
    # The ledger's year partitions (PostgreSQL): next year's exists well before 1 January.
    "credits-ledger-partitions": {
        "task": "credits.tasks.ensure_ledger_partitions",
        "schedule": crontab(minute=17, hour=3, day_of_month=1),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated request is answered 401 with WWW-Authenticate.
        "accounts.tokens.ExpiringTokenAuthentication",
        "portal.api.authentication.SessionAuthentication",
    ],
    # A view that names no rule is refused (portal.api.permissions); public endpoints say AllowAny.
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.RulesPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"token": "20/minute"},
}

# API tokens expire this long after they are issued (accounts.tokens).
API_TOKEN_LIFETIME = timedelta(days=env.int("API_TOKEN_LIFETIME_DAYS", default=30))

SPECTACULAR_SETTINGS = {
    "TITLE": "山东省专业技术人员继续教育门户 API",
    "DESCRIPTION": "Provincial continuing-education portal, public API v1 (contract: docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Served from our own static files: the portal's machines reach no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models share field names like "status"; name their enums after the model.
    # Ids' ranges, and no serializer docstrings (portal.api.schema.document_limits).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "portal.api.schema.document_limits"],
    "ENUM_NAME_OVERRIDES": {
        "CourseCategoryEnum": "courses.models.Category",
        "CourseStatusEnum": "courses.models.Course.Status",
        "StudyGuideStatusEnum": "courses.models.StudyGuide.Status",
    },
}

# Security: everything `check --deploy` asks for, on in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy (Django 5.2 has no built-in CSP yet; see portal.middleware):
# no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

# Documents (issue 8): LibreOffice binary and how long one conversion may take.
LIBREOFFICE_BINARY = env.str("LIBREOFFICE_BINARY", default="soffice")
LIBREOFFICE_TIMEOUT = env.int("LIBREOFFICE_TIMEOUT", default=120)
# The installed face that stands in for 仿宋 / 仿宋_GB2312 in PDFs (empty: the alias file's
# substitute); see docs/documents.md, "Fonts and PDF".
DOCUMENTS_FANGSONG_FACE = env.str("DOCUMENTS_FANGSONG_FACE", default="")

# Public address used in generated documents (QR codes on certificates).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# One handler, on the root logger. Django's own default config gives "django" a console handler
# of its own (and "django.server" another); with ours on the root every line would print twice,
# so those loggers hand their records up to the root instead. Each app logs through its own named
# logger (`logging.getLogger(__name__)`, e.g. "submissions.reminders" under "submissions"), whose
# level PORTAL_LOG_LEVEL sets (DEBUG under `make run`, INFO otherwise).
PORTAL_LOG_LEVEL = env.str("PORTAL_LOG_LEVEL", default="DEBUG" if DEBUG else "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "axes": {"level": "WARNING"},
        **{app: {"handlers": [], "level": PORTAL_LOG_LEVEL, "propagate": True} for app in PROJECT_APPS},
    },
}

# Rows per page on HTML list pages.
PAGINATE_BY = 25

# Materials (issue 7): largest Word or PDF file a unit may send.
SUBMISSIONS_MAX_UPLOAD_BYTES = env.int("SUBMISSIONS_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# Documents (issue 8): how often a failed LibreOffice conversion is retried, and the first
# retry's delay in seconds (doubled for each further retry).
DOCUMENTS_MAX_RETRIES = env.int("DOCUMENTS_MAX_RETRIES", default=2)
DOCUMENTS_RETRY_BACKOFF = env.int("DOCUMENTS_RETRY_BACKOFF", default=10)

# Hour ledger (issue 5): largest proof file for self-reported hours, largest .xlsx of records.
CREDITS_PROOF_MAX_BYTES = env.int("CREDITS_PROOF_MAX_BYTES", default=5 * 1024 * 1024)
CREDITS_IMPORT_MAX_BYTES = env.int("CREDITS_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# A warm LibreOffice (unoserver) for package jobs: the system python that has python3-uno;
# empty turns warm conversion off (every PDF then gets its own cold soffice).
UNOSERVER_PYTHON = env.str("UNOSERVER_PYTHON", default="/usr/bin/python3")

# `make bench` (bench/scale): serves the baseline view (one primary-key query behind the same
# middleware and session auth) that every measured page is compared with. Off everywhere else.
PORTAL_BENCH = env.bool("PORTAL_BENCH", default=False)

# Issue 22, jobs without their worker or broker (documents.heartbeat, documents.services._enqueue).
# A running job writes a heartbeat every DOCUMENTS_HEARTBEAT_SECONDS; without one for
# DOCUMENTS_HEARTBEAT_TIMEOUT its worker is gone: the sweep ends it and asking again starts anew.
DOCUMENTS_HEARTBEAT_SECONDS = env.float("DOCUMENTS_HEARTBEAT_SECONDS", default=5)
DOCUMENTS_HEARTBEAT_TIMEOUT = env.int("DOCUMENTS_HEARTBEAT_TIMEOUT", default=60)
# Queuing a job tries the broker twice within about a second; then the job ends failed at once
# (with a retry button) instead of the request waiting on the broker.
DOCUMENTS_ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.5, "interval_step": 0.5, "interval_max": 0.5}
# Issue 22, beat runs once: `celery beat` is its own process (`make beat`, never `worker -B`);
# RedBeat keeps the schedule in the broker's Redis and holds a lock there, renewed every tick,
# so a second beat waits instead of sending every periodic task again. A beat that dies hands
# the lock over within CELERY_REDBEAT_LOCK_TIMEOUT seconds.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 5
CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_REDBEAT_LOCK_TIMEOUT", default=30)
CELERY_REDBEAT_REDIS_URL = CELERY_BROKER_URL
# A hung Redis costs beat seconds per call, never its loop.
CELERY_REDBEAT_REDIS_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 5}
# Longer URLs are refused in Chinese (portal.input_guard) before gunicorn's own, larger limit
# (limit_request_line in gunicorn.conf.py) would answer an English 414.
PORTAL_MAX_URL_LENGTH = env.int("PORTAL_MAX_URL_LENGTH", default=4000)
# Intake rows (not requests) per sending unit, API and Excel import together (credits.throttle).
CREDITS_INTAKE_RATE = env.str("CREDITS_INTAKE_RATE", default="50000/hour")
# A form sent without a valid CSRF token: Chinese page, or the API's error shape (portal.errors).
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
