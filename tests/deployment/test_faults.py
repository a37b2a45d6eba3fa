"""Faults (issue 22): each test starts its own service, stops or pauses (SIGSTOP) it while people
use the portal, and checks what they see and how long the portal takes to recover. The Redis and
connection faults go through gunicorn with the repo's config, against the test database; the
table of results is printed at the end of the run. Needs PostgreSQL (gunicorn reads the rows the
test commits) and redis-server; `.ci/run` runs it (PORTAL_FAULT_SUITE=1).

A request that waited on a hung dependency would be answered only when gunicorn kills its worker
(GUNICORN_TIMEOUT, 60 s here); every request in these tests gives up after faults.PATIENCE (10 s)
and then counts as "no answer" (status 0), so "answered 200" also means "did not hang". The
times in the table are measured, not asserted.

Run here: PORTAL_FAULT_SUITE=1 DATABASE_URL=postgres://... .venv/bin/python -m pytest tests/deployment/test_faults.py
"""

import contextlib
import json
import os
import re
import shutil
import signal
import time

import psycopg2
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connection

from accounts.models import Role, User
from tests.factories import user_with_role

from .faults import TABLE, Answer, Browser, CeleryWorker, Forwarder, RedisProcess, S3Process, _form_token, wait_until

pytestmark = [
    pytest.mark.faults,
    # About two minutes of starting and breaking services: `.ci/run` runs it, `make test` does not.
    pytest.mark.skipif(not os.environ.get("PORTAL_FAULT_SUITE"), reason="PORTAL_FAULT_SUITE is not set (.ci/run)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the fault suite needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "Faults-2026-pw"


def _database_url(user: str = "postgres") -> str:
    s = connection.settings_dict
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def person():
    user = user_with_role(Role.PROFESSIONAL)
    # The server's own hasher (the tests' fast MD5 hasher is not among its PASSWORD_HASHERS).
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher=PBKDF2PasswordHasher()))
    return user


def _readiness(server) -> dict:
    answer = Browser(server.base).get("/readyz/", timeout=10)
    found = json.loads(answer.body) if answer.body.startswith("{") else {"checks": {}}
    return {**found, "http": answer.status}


def _signed_in_pages_work(browser) -> list:
    return [browser.get(path) for path in ("/accounts/profile/", "/hours/")]


def test_redis_down_people_still_log_in_and_read_their_pages(person, redis_server, gunicorn):
    server = gunicorn({"DATABASE_URL": _database_url(), "REDIS_URL": redis_server.url})
    already = Browser(server.base)
    assert already.log_in(person.username, PASSWORD).status == 302

    redis_server.stop()

    newcomer = Browser(server.base)
    login = newcomer.log_in(person.username, PASSWORD)
    assert login.status == 302, login.body[:500]
    pages = _signed_in_pages_work(newcomer) + _signed_in_pages_work(already)
    assert [p.status for p in pages] == [200] * 4
    assert Browser(server.base).get("/healthz/").status == 200
    ready = _readiness(server)
    assert (ready["http"], ready["status"], ready["checks"]["database"]) == (200, "degraded", "ok")
    assert ready["checks"]["cache"] != "ok"
    assert "cache unavailable" in server.log_text()

    redis_server.start()
    recovered = wait_until(lambda: _readiness(server)["checks"].get("cache") == "ok", timeout=30, interval=0.5)
    assert recovered is not None
    assert [p.status for p in _signed_in_pages_work(already)] == [200, 200]
    TABLE.add("Redis stopped", "login and signed-in pages 200 (sessions from the database); /readyz/ degraded: cache",
              recovered)  # fmt: skip


def test_redis_hung_costs_seconds_not_the_worker(person, redis_server, gunicorn):
    server = gunicorn({"DATABASE_URL": _database_url(), "REDIS_URL": redis_server.url})
    already = Browser(server.base)
    assert already.log_in(person.username, PASSWORD).status == 302

    redis_server.pause()
    try:
        newcomer = Browser(server.base)
        login = newcomer.log_in(person.username, PASSWORD)
        pages = _signed_in_pages_work(newcomer) + _signed_in_pages_work(already)
        anonymous = Browser(server.base).get("/courses/")
        assert login.status == 302
        assert [p.status for p in pages] == [200] * 4
        assert anonymous.status == 200
        slowest = max(a.seconds for a in [login, *pages, anonymous])
        # Each answered within the browser's patience (REDIS_TIMEOUT 0.5 s is paid once per process
        # every REDIS_RETRY_SECONDS): none waited for Redis until gunicorn killed its worker.
        assert _readiness(server)["checks"].get("cache") != "ok"
    finally:
        redis_server.resume()
    recovered = wait_until(lambda: _readiness(server)["checks"].get("cache") == "ok", timeout=30, interval=0.5)
    assert recovered is not None
    TABLE.add("Redis hung (SIGSTOP)", f"every page 200, slowest {slowest:.1f} s; /readyz/ degraded: cache", recovered)


@pytest.fixture
def limited_role():
    """A role of our own that may hold one connection to the test database: exhausting it is
    exhausting the portal's connections (the shared server's limits stay as they are)."""
    name = f"faults_{int(time.time() * 1000) % 10**9}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" LOGIN CONNECTION LIMIT 1')
        cursor.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{name}"')
        cursor.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP OWNED BY "{name}"')
        cursor.execute(f'DROP ROLE "{name}"')


def test_connections_exhausted_answer_a_chinese_503_and_readiness_says_database(person, redis_server, gunicorn,
                                                                                limited_role):  # fmt: skip
    server = gunicorn(
        {"DATABASE_URL": _database_url(limited_role), "REDIS_URL": redis_server.url, "DJANGO_CONN_MAX_AGE": "0"}
    )
    s = connection.settings_dict
    hog = psycopg2.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, dbname=s["NAME"], user=limited_role)
    try:
        page = Browser(server.base).get("/courses/")
        assert page.status == 503
        assert "服务暂时不可用" in page.body and "错误编号" in page.body
        assert page.headers.get("Retry-After")
        reference = page.headers["X-Error-Reference"]
        assert Browser(server.base).get("/healthz/").status == 200
        ready = _readiness(server)
        assert (ready["http"], ready["status"]) == (503, "unavailable")
        assert ready["checks"]["database"] != "ok"
        assert wait_until(lambda: reference in server.log_text(), timeout=5) is not None
    finally:
        hog.close()
    recovered = wait_until(lambda: Browser(server.base).get("/courses/").status == 200, timeout=30, interval=0.5)
    assert recovered is not None
    TABLE.add("PostgreSQL connections exhausted", "Chinese 503 page with a logged reference; /healthz/ 200, "
              "/readyz/ 503: database", recovered)  # fmt: skip


def _log_in(server, user) -> Browser:
    browser = Browser(server.base)
    assert browser.log_in(user.username, PASSWORD).status == 302
    return browser


def _with_password(user):
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher=PBKDF2PasswordHasher()))
    return user


def test_replica_down_reads_go_to_the_primary(redis_server, gunicorn):
    """The replica's address is a forwarder to a PostgreSQL holding the test database (the CI
    standby when DATABASE_REPLICA_URL names one, else the primary itself): stopping the forwarder
    is the replica host going away."""
    from tests.courses.factories import CourseFactory
    from tests.credits.factories import YearPolicyFactory
    from tests.factories import OrganisationFactory

    year = time.localtime().tm_year
    CourseFactory(title="复制库故障时仍可见的课程", year_from=year, year_to=year)
    YearPolicyFactory(year=2022)
    employer = OrganisationFactory(name="复制库故障测试单位")
    admin = _with_password(user_with_role(Role.EMPLOYER_ADMIN, employer))
    target = _replica_target()
    replica = Forwarder(*target).start()
    try:
        s = connection.settings_dict
        replica_url = f"postgres://postgres@127.0.0.1:{replica.port}/{s['NAME']}"
        server = gunicorn({
            "DATABASE_URL": _database_url(), "REDIS_URL": redis_server.url, "DATABASE_REPLICA_URL": replica_url,
        })  # fmt: skip
        # Read through the replica once the standby has replayed the course.
        assert wait_until(lambda: "复制库故障时仍可见的课程" in Browser(server.base).get("/courses/").body, timeout=15)
        assert replica.connections() > 0
        browser = _log_in(server, admin)

        replica.stop()

        catalogue = Browser(server.base).get("/courses/")
        export = browser.get("/hours/roster/export/?year=2022")
        api = Browser(server.base).get("/api/v1/courses/")
        assert (catalogue.status, export.status, api.status) == (200, 200, 200), export.headers.get("Location")
        assert "复制库故障时仍可见的课程" in catalogue.body
        assert export.raw[:2] == b"PK"  # a workbook, not an error body
        slowest = max(a.seconds for a in (catalogue, export, api))
        ready = _readiness(server)
        assert (ready["http"], ready["status"]) == (200, "degraded")
        assert ready["checks"]["replica"] != "ok" and ready["checks"]["database"] == "ok"
        assert "replica not used" in server.log_text()

        before = replica.connections()
        replica.start()
        # Back in use once each process's DATABASE_REPLICA_RETRY_SECONDS have passed.
        recovered = wait_until(
            lambda: Browser(server.base).get("/courses/").status == 200 and replica.connections() > before,
            timeout=30,
            interval=0.5,
        )
        assert recovered is not None
        assert _readiness(server)["checks"]["replica"] == "ok"
    finally:
        replica.kill()
    TABLE.add("replica stopped", f"catalogue, courses API and roster export 200 from the primary (slowest "
              f"{slowest:.1f} s); /readyz/ degraded: replica", recovered)  # fmt: skip


def _replica_target() -> tuple[str, int]:
    import environ

    url = environ.Env().str("DATABASE_REPLICA_URL", default="")
    if url:
        real = environ.Env.db_url_config(url)
        return real["HOST"] or "127.0.0.1", int(real["PORT"] or 5432)
    s = connection.settings_dict
    return s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_storage_down_downloads_answer_a_chinese_page(redis_server, gunicorn):
    import boto3
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.test import override_settings

    from tests.credits.factories import approved_record, professional_of
    from tests.factories import OrganisationFactory

    store = S3Process().start()
    try:
        s3 = {"S3_BUCKET": "portal-faults", "S3_ENDPOINT_URL": store.url, "S3_REGION": "us-east-1",
              "S3_ACCESS_KEY_ID": "faults", "S3_SECRET_ACCESS_KEY": "faults-secret",
              "S3_CONNECT_TIMEOUT": "1", "S3_READ_TIMEOUT": "1"}  # fmt: skip
        client = boto3.client("s3", endpoint_url=store.url, region_name="us-east-1",
                               aws_access_key_id="faults", aws_secret_access_key="faults-secret")  # fmt: skip
        client.create_bucket(Bucket="portal-faults")
        person = _with_password(professional_of(OrganisationFactory(name="存储故障测试单位")))
        # The proof is stored in this test's bucket (not in the test process's own storage).
        bucket = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": "portal-faults", "endpoint_url": store.url, "region_name": "us-east-1",
            "access_key": "faults", "secret_key": "faults-secret"}}  # fmt: skip
        with override_settings(STORAGES={**settings.STORAGES, "default": bucket}):
            record = approved_record(person, hours=2, proof=ContentFile(PDF, name="证明.pdf"))
        assert client.get_object(Bucket="portal-faults", Key=record.proof.name)["Body"].read() == PDF
        server = gunicorn({"DATABASE_URL": _database_url(), "REDIS_URL": redis_server.url, **s3})
        browser = _log_in(server, person)
        url = f"/hours/records/{record.pk}/proof/"
        assert browser.get(url).raw == PDF

        store.pause()
        try:
            hung = browser.get(url)
            assert hung.status == 503 and "文件服务暂时不可用" in hung.body and "错误编号" in hung.body
        finally:
            store.resume()
        recovered = wait_until(lambda: browser.get(url).raw == PDF, timeout=30, interval=0.5)
        assert recovered is not None

        store.stop()
        gone = browser.get(url)
        assert gone.status == 503 and "文件服务暂时不可用" in gone.body
        assert _readiness(server)["checks"]["storage"] != "ok"
    finally:
        store.kill()
    TABLE.add("object storage hung / stopped", f"download: Chinese 503 page ({hung.seconds:.1f} s / "
              f"{gone.seconds:.1f} s), never a broken file; /readyz/ degraded: storage", recovered)  # fmt: skip


def _document_admin():
    """A unit's admin whose unit registered a platform: it may ask for attachment 2."""
    from tests.documents.factories import PlatformFactory

    unit = PlatformFactory().owner
    return unit, _with_password(user_with_role(Role.BASE_ADMIN, unit))


def _ask(browser, path: str, data: dict | None = None) -> tuple[Answer, int | None]:
    """POST from the documents page; the job the answer's redirect names, if any."""
    page = browser.get("/documents/")
    token = browser.csrf() or _form_token(page.body)
    answer = browser.request("POST", path, {**(data or {}), "csrfmiddlewaretoken": token})
    found = re.fullmatch(r"/documents/jobs/(\d+)/", answer.headers.get("Location", ""))
    return answer, int(found.group(1)) if found else None


def _ask_for_attachment2(browser, unit):
    return _ask(browser, "/documents/jobs/start/", {"kind": "attachment2", "format": "pdf", "object_id": unit.pk})


def test_broker_down_asking_for_a_document_fails_the_job_at_once_with_a_retry(redis_server, gunicorn):
    from documents.models import DocumentJob

    unit, admin = _document_admin()
    broker = RedisProcess().start()
    try:
        server = gunicorn({"DATABASE_URL": _database_url(), "REDIS_URL": redis_server.url,
                           "CELERY_BROKER_URL": broker.url})  # fmt: skip
        browser = _log_in(server, admin)

        broker.stop()

        # Answered within the browser's patience (an answer at all, not status 0): enqueueing is bounded.
        asked, job_pk = _ask_for_attachment2(browser, unit)
        assert asked.status == 302 and job_pk is not None, asked.body[:500]
        job = DocumentJob.objects.get(pk=job_pk)
        assert job.status == DocumentJob.Status.FAILED and "生成服务暂时不可用" in job.message
        page = browser.get(f"/documents/jobs/{job_pk}/")
        assert page.status == 200
        assert "失败" in page.body and "生成服务暂时不可用" in page.body and "重新生成" in page.body
        assert f"/documents/jobs/{job_pk}/retry/" in page.body

        back = time.monotonic()
        broker.start()
        retried = {}

        def queued() -> bool:
            _, new_pk = _ask(browser, f"/documents/jobs/{job_pk}/retry/")
            retried["job"] = DocumentJob.objects.filter(pk=new_pk).first() if new_pk else None
            return retried["job"] is not None and retried["job"].status == DocumentJob.Status.PENDING

        assert wait_until(queued, timeout=30, interval=0.5) is not None
        recovered = time.monotonic() - back
        assert "排队中" in browser.get(f"/documents/jobs/{retried['job'].pk}/").body
    finally:
        broker.kill()
    TABLE.add("broker stopped", f"PDF request answered in {asked.seconds:.1f} s: job 失败 \"生成服务暂时不可用\" "
              "with 重新生成", recovered)  # fmt: skip


# The worker's LibreOffice: records its own pid and hangs, so the job stays 生成中 until killed.
_HANGING_SOFFICE = '#!/bin/sh\necho $$ > "{marker}.tmp"; mv "{marker}.tmp" "{marker}"; exec sleep 120\n'


def test_worker_parent_killed_the_job_is_swept_and_asked_again_at_once(redis_server, gunicorn, settings, tmp_path):
    from documents import tasks
    from documents.models import DocumentJob

    unit, admin = _document_admin()
    marker = tmp_path / "soffice.pid"
    soffice = tmp_path / "soffice"
    soffice.write_text(_HANGING_SOFFICE.format(marker=marker))
    soffice.chmod(0o755)
    # The sweep below runs here: same heartbeat rule, same LibreOffice folders as the worker's.
    settings.DOCUMENTS_HEARTBEAT_TIMEOUT = 5
    settings.RUNTIME_DIR = tmp_path / "var"
    broker = RedisProcess().start()
    worker = CeleryWorker()
    try:
        env = {"DATABASE_URL": _database_url(), "REDIS_URL": redis_server.url, "CELERY_BROKER_URL": broker.url,
               "DOCUMENTS_HEARTBEAT_SECONDS": "1", "DOCUMENTS_HEARTBEAT_TIMEOUT": "5",
               "DJANGO_RUNTIME_DIR": str(settings.RUNTIME_DIR), "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
               "LIBREOFFICE_BINARY": str(soffice), "UNOSERVER_PYTHON": ""}  # fmt: skip
        worker.start(env=env)
        server = gunicorn(env)
        browser = _log_in(server, admin)
        asked, job_pk = _ask_for_attachment2(browser, unit)
        assert asked.status == 302 and job_pk is not None, asked.body[:500]
        assert wait_until(marker.exists, timeout=60) is not None, worker.log_text()[-2000:]
        assert DocumentJob.objects.get(pk=job_pk).status == DocumentJob.Status.RUNNING
        assert "生成中" in browser.get(f"/documents/jobs/{job_pk}/").body

        worker.stop()  # the parent and its child, SIGKILL to the process group
        killed = time.monotonic()
        assert wait_until(lambda: tasks.sweep_stale_jobs() == 1, timeout=30, interval=0.5) is not None
        job = DocumentJob.objects.get(pk=job_pk)
        assert job.status == DocumentJob.Status.FAILED and "意外中止" in job.message
        page = browser.get(f"/documents/jobs/{job_pk}/")
        assert "失败" in page.body and "重新生成" in page.body

        again, again_pk = _ask_for_attachment2(browser, unit)
        recovered = time.monotonic() - killed
        assert again.status == 302 and again_pk not in (None, job_pk)
        assert DocumentJob.objects.get(pk=again_pk).status == DocumentJob.Status.PENDING
        page = browser.get(f"/documents/jobs/{again_pk}/")
        assert "排队中" in page.body and "仍在进行中" not in page.body
    finally:
        worker.kill()
        broker.kill()
        if marker.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(marker.read_text()), signal.SIGKILL)
    TABLE.add("worker parent killed (SIGKILL to its group)", "job 生成中, then 失败 \"生成进程意外中止\" with "
              "重新生成 after the heartbeat timeout (5 s here, 60 s deployed); asking again starts a new job",
              recovered)  # fmt: skip
