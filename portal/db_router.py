"""Reads of reports, exports and the public catalogue go to the streaming replica
(DATABASE_REPLICA_URL); everything else, and every write, to the primary.

The replica is a few hundred milliseconds behind. Whoever just wrote (any POST, PUT, PATCH or
DELETE) gets a short-lived cookie that keeps their reads on the primary, so they see their own
write on the next page (read-your-own-writes). The cookie only chooses a database: someone who
forges it merely reads from the primary.
"""

import re
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
PIN_COOKIE = "portal_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Sessions, lockouts and tokens decide who the caller is: always read where they were written.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "authtoken", "admin"})

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a physical copy: it gets the primary's schema through replication.
        return db == "default"


def _replica_paths() -> list[re.Pattern]:
    return [re.compile(p) for p in settings.DATABASE_REPLICA_PATHS]


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may come from the replica, and pins writers to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = _replica_paths()

    def __call__(self, request):
        replica = (
            request.method in SAFE_METHODS
            and PIN_COOKIE not in request.COOKIES
            and any(p.search(request.path_info) for p in self.paths)
        )
        token = _reading_replica.set(replica)
        try:
            response = self.get_response(request)
        finally:
            _reading_replica.reset(token)
        if replica and response.streaming:
            # A streamed export runs its queries while the server iterates, after this returns.
            response.streaming_content = _on_replica(response.streaming_content)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _on_replica(chunks):
    token = _reading_replica.set(True)
    try:
        yield from chunks
    finally:
        _reading_replica.reset(token)
