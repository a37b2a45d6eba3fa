"""On the real broker: a worker process killed in the middle of a job. The job ends failed
(its message comes back to the queue and the next process ends it), the dead process's
LibreOffice folder and soffice are swept, and the retry from the job's page delivers the PDF."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from accounts.models import Role
from documents import services
from documents.models import DocumentJob
from portal.celery import app
from tests.factories import user_with_role

from .factories import PlatformFactory
from .helpers import needs_libreoffice

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker_process(settings, tmp_path):
    """`celery worker` in its own process (prefork, one child) on this test's database."""
    if not django_settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: no real broker here")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process shares the test database")
    marker = tmp_path / "soffice-parent.pid"
    fake = tmp_path / "soffice"
    # The first conversion records the worker child running it and hangs; later ones are real.
    fake.write_text(
        f'#!/bin/sh\nif [ -e "{marker}" ]; then exec "{shutil.which("soffice")}" "$@"; fi\n'
        f'echo $PPID > "{marker}.tmp"; mv "{marker}.tmp" "{marker}"; exec sleep 300\n'
    )
    fake.chmod(0o755)
    settings.RUNTIME_DIR = tmp_path / "var"
    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_RUNTIME_DIR": str(settings.RUNTIME_DIR),
        "LIBREOFFICE_BINARY": str(fake),
        "UNOSERVER_PYTHON": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork", "--concurrency=1", "-l", "INFO"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    app.conf.task_always_eager = False
    try:
        yield marker
    finally:
        app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        connection.close()


@needs_libreoffice
@pytest.mark.broker
@pytest.mark.postgres
@pytest.mark.libreoffice
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_process_is_killed_ends_failed_and_succeeds_on_retry(worker_process, settings):
    marker = worker_process
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    job = services.start_job(user=admin, kind="attachment2", fmt="pdf", object_id=unit.pk)

    child = int(_wait(lambda: marker.exists() and marker.read_text().strip(), 120, "the conversion to start"))
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.RUNNING
    os.kill(child, signal.SIGKILL)

    job = _wait(
        lambda: DocumentJob.objects.filter(pk=job.pk, status=DocumentJob.Status.FAILED).first(), 120, "the job to end"
    )
    assert "意外中止" in job.message
    # The next worker process swept the dead one's LibreOffice folder (and its hanging soffice).
    work_root = Path(settings.RUNTIME_DIR) / "libreoffice"
    _wait(lambda: not any(d.name.startswith(f"{child}-") for d in work_root.iterdir()), 30, "the sweep")

    retried = services.retry_job(user=admin, job=job)
    retried = _wait(
        lambda: DocumentJob.objects.filter(pk=retried.pk, status__in=["done", "failed"]).first(), 180, "retry"
    )
    assert retried.status == DocumentJob.Status.DONE, retried.message
    assert retried.result.file.read().startswith(b"%PDF-")
