"""A real Celery worker runs document jobs (Redis in CI); concurrent generation keeps one file."""

import shutil
import threading

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Role
from documents import samples, services
from documents.models import DocumentJob, GeneratedDocument
from portal.celery import app
from tests.factories import user_with_role

from .factories import PlatformFactory
from .helpers import needs_libreoffice

needs_broker = pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="CELERY_BROKER_URL is not set")


@pytest.fixture
def real_worker():
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    def close_worker_connections(**kwargs):
        # The worker thread's own connection would otherwise outlive the test and block the
        # test database's teardown.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        task_postrun.disconnect(close_worker_connections)


def _wait_finished(job_id: int, seconds: float = 120) -> DocumentJob:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = DocumentJob.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.3)
    raise AssertionError("job did not finish")


@needs_broker
@needs_libreoffice
@pytest.mark.broker
@pytest.mark.libreoffice
@pytest.mark.django_db(transaction=True)
def test_worker_retries_a_hanging_libreoffice_and_then_delivers_the_pdf(settings, tmp_path, real_worker):
    marker = tmp_path / "hung-once"
    fake = tmp_path / "soffice"
    fake.write_text(
        f'#!/bin/sh\nif [ ! -e "{marker}" ]; then touch "{marker}"; exec sleep 300; fi\n'
        f'exec "{shutil.which("soffice")}" "$@"\n'
    )
    fake.chmod(0o755)
    settings.LIBREOFFICE_BINARY = str(fake)
    settings.LIBREOFFICE_TIMEOUT = 5
    settings.DOCUMENTS_RETRY_BACKOFF = 1
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    job = services.start_job(user=admin, kind="attachment2", fmt="pdf", object_id=unit.pk)
    job = _wait_finished(job.pk)
    assert job.status == DocumentJob.Status.DONE, job.message
    assert job.attempts == 2 and marker.exists()
    assert job.result.file.read().startswith(b"%PDF-")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_the_same_input_store_one_file():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent writers)")
    part = services.Part("attachment4", samples.pledge(), "附件4_并发")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(services.produce(part, "docx").pk)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert GeneratedDocument.objects.count() == 1
