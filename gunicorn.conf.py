"""gunicorn for the portal's web processes: `gunicorn -c gunicorn.conf.py portal.wsgi`.

Stateless: sessions and cache live in Redis (REDIS_URL), files in object storage (S3_BUCKET),
the secret key in DJANGO_SECRET_KEY, so any number of these machines can stand behind one load
balancer. Every value can be overridden from the environment (GUNICORN_*).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the portal's requests are short and database-bound; one process per core plus one
# keeps the CPU busy while another waits on PostgreSQL (README, "Capacity", measured with make bench).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# A province report or a 100,000-row export may take seconds; a stuck request is killed after this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a library never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# The load balancer terminates TLS and says so in X-Forwarded-Proto (settings.SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Load the app once in the master: workers share its memory pages (copy-on-write).
preload_app = True
# A request's statement runs at most this long (seconds; PostgreSQL's statement_timeout, read by
# portal/settings.py when the app loads, after this file): well inside `timeout`, so a slow query
# ends as an error page instead of a killed worker (issue 22).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "60")


def post_fork(server, worker):
    """Move everything the preloaded application allocated to the collector's permanent
    generation: a full collection then no longer walks Django, the URL maps and the templates on
    every request that allocates enough (it was about a third of a 10,000-row bulk intake), and
    the pages stay shared with the master instead of being written by the collector."""
    gc.freeze()


# Above the portal's own limit (settings.PORTAL_MAX_URL_LENGTH): a long URL gets the portal's
# Chinese 414 from Django instead of gunicorn's English one (8190 is gunicorn's maximum).
limit_request_line = 8190
