"""Liveness and readiness (issue 22), for the load balancer and for monitoring.

`/healthz/` (portal.views.healthz) says the process answers, and touches nothing else. `/readyz/`
checks each dependency with a short timeout, through django-health-check, and names each one:

    {"status": "ok" | "degraded" | "unavailable", "checks": {"database": "ok", "cache": "unavailable", ...}}

The reason of a failed check (which may name a host) goes to the log (`portal.degraded`), not to the
public body.

It answers 503 ("unavailable") when a required dependency fails (READYZ_REQUIRED, by default the
primary database: without it no page works) and 200 "degraded" when only an optional one does:
without Redis, the replica, the broker or object storage the portal still serves its pages
(portal/degraded.py, portal/db_router.py, documents), so taking every web machine out of the load
balancer because Redis is away would turn a degraded portal into no portal.
"""

import asyncio
import contextlib
import dataclasses
import datetime
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.storage import storages
from django.db import connections
from django.http import JsonResponse
from health_check import checks
from health_check.base import HealthCheck
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis as AsyncRedis

from portal import db_router
from portal.permissions import public

SHORT = datetime.timedelta(seconds=2)
logger = logging.getLogger("portal.degraded")


class Database(checks.Database):
    timeout = SHORT


class Cache(checks.Cache):
    pass


@dataclasses.dataclass
class Replica(HealthCheck):
    """The replica answers and is not lagging past DATABASE_REPLICA_MAX_LAG (db_router's own
    measurement, the one that decides where reads go)."""

    timeout = SHORT

    def run(self):
        try:
            lag = db_router.replica_lag(fresh=True)
        finally:
            # This runs in a thread of its own: its connection ends with it.
            connections[db_router.REPLICA].close()
        if lag is None:
            raise ServiceUnavailable("replica unreachable: reads go to the primary")
        if lag > settings.DATABASE_REPLICA_MAX_LAG:
            raise ServiceUnavailable(f"replica {lag:.1f} s behind: reads go to the primary")


@dataclasses.dataclass
class Storage(HealthCheck):
    """Object storage answers a read (one HEAD request; the probe writes nothing)."""

    timeout = datetime.timedelta(seconds=5)

    def run(self):
        try:
            storages["default"].exists("readyz-probe")
        except Exception as error:
            raise ServiceUnavailable(f"storage unreachable: {type(error).__name__}") from error


def _broker_client():
    return AsyncRedis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=SHORT.seconds, socket_timeout=SHORT.seconds
    )


def readiness_checks() -> dict[str, HealthCheck]:
    found = {"database": Database(alias="default"), "cache": Cache(timeout=SHORT)}
    if "replica" in settings.DATABASES:
        found["replica"] = Replica()
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
        found["broker"] = Redis(client_factory=_broker_client)
    found["storage"] = Storage()
    return found


@public
class ReadinessView(HealthCheckView):
    async def get(self, request, *args, **kwargs):
        named = readiness_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in named.values()))
        failed = {name for name, result in zip(named, results, strict=True) if result.error}
        required = set(settings.READYZ_REQUIRED)
        status = "unavailable" if failed & required else "degraded" if failed else "ok"
        for name, result in zip(named, results, strict=True):
            if result.error:
                # The details (hosts, driver messages) go to the log; the public body names the check only.
                logger.warning("readiness: %s unavailable: %s", name, result.error)
        body = {
            "status": status,
            "checks": {name: "unavailable" if r.error else "ok" for name, r in zip(named, results, strict=True)},
        }
        return JsonResponse(body, status=503 if status == "unavailable" else 200)

    def get_executor(self):
        # Own threads, not waited for on the way out: a check that outlives its timeout (a hung
        # socket) must not hold the answer back.
        @contextlib.contextmanager
        def executor():
            pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")
            try:
                yield pool
            finally:
                pool.shutdown(wait=False, cancel_futures=True)

        return executor()
