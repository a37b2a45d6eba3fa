"""Jobs when the broker or the worker is away (issue 22, item 5). A broker that cannot be reached
fails the job at once, in Chinese, with a retry; a running job whose process died stops its
heartbeat, the sweep ends it within a minute and asking again starts a new job at once."""

import datetime
import os
import signal
import socket
import time

import pytest
from django.utils import timezone

from accounts.models import Role
from documents import heartbeat, services
from documents.models import DocumentJob
from portal.celery import app
from tests.factories import user_with_role

from .factories import PlatformFactory
from .helpers import needs_libreoffice
from .test_worker_lost import _wait, worker_process  # noqa: F401 -- the real worker, shared with that test


@pytest.fixture
def unit_admin():
    unit = PlatformFactory().owner
    return unit, user_with_role(Role.BASE_ADMIN, unit)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _use_broker(url: str | None) -> None:
    app.conf.broker_write_url = url
    # Connections and producers are pooled per broker: the next publish must open a new one.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Jobs go to a broker on a port where nothing listens (the shared Redis stays up)."""
    app.conf.task_always_eager = False
    _use_broker(f"redis://127.0.0.1:{_free_port()}/0")
    yield
    _use_broker(None)
    app.conf.task_always_eager = True  # what the documents conftest set for this test


def _job(admin, unit, *, status="running", heartbeat_age=0.0, progress_age=0.0) -> DocumentJob:
    job = DocumentJob.objects.create(
        kind="attachment2", format="docx", requested_by=admin, organisation=unit, object_id=unit.pk, status=status
    )
    now = timezone.now()
    DocumentJob.objects.filter(pk=job.pk).update(
        heartbeat_at=now - datetime.timedelta(seconds=heartbeat_age),
        updated_at=now - datetime.timedelta(seconds=progress_age),
    )
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_with_the_broker_down_asking_for_a_pdf_fails_the_job_at_once_with_a_retry(
    client, unit_admin, broker_down, django_capture_on_commit_callbacks
):
    unit, admin = unit_admin
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/documents/jobs/start/", {"kind": "attachment2", "format": "pdf", "object_id": unit.pk})
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/documents/jobs/{job.pk}/"
    assert job.status == DocumentJob.Status.FAILED
    assert "生成服务暂时不可用" in job.message
    page = client.get(response["Location"]).content.decode()
    assert "生成服务暂时不可用" in page and f"/documents/jobs/{job.pk}/retry/" in page

    # The retry, the broker still away: a new job, failed the same way, never a server error.
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"/documents/jobs/{job.pk}/retry/")
    new = DocumentJob.objects.exclude(pk=job.pk).get()
    assert retried["Location"] == f"/documents/jobs/{new.pk}/" and new.status == DocumentJob.Status.FAILED


@pytest.mark.django_db
def test_a_running_job_without_a_heartbeat_for_a_minute_is_swept_and_a_live_one_is_not(unit_admin, settings):
    unit, admin = unit_admin
    settings.DOCUMENTS_HEARTBEAT_TIMEOUT = 60
    dead = _job(admin, unit, heartbeat_age=61, progress_age=61)
    # A long conversion: no progress for minutes, but its process is alive and beating.
    alive = _job(admin, unit, heartbeat_age=3, progress_age=300)
    # Waiting in the queue has no heartbeat: only the job time limit ends a queued job.
    queued = _job(admin, unit, status="pending", heartbeat_age=300, progress_age=300)

    assert services.sweep_stale_jobs() == 1
    for job in (dead, alive, queued):
        job.refresh_from_db()
    assert dead.status == DocumentJob.Status.FAILED and "意外中止" in dead.message
    assert alive.status == DocumentJob.Status.RUNNING and queued.status == DocumentJob.Status.PENDING


@pytest.mark.django_db
def test_asking_again_for_a_dead_jobs_document_starts_a_new_job_at_once(
    client, unit_admin, settings, django_capture_on_commit_callbacks
):
    unit, admin = unit_admin
    settings.DOCUMENTS_HEARTBEAT_TIMEOUT = 60
    dead = _job(admin, unit, heartbeat_age=90)
    dead.progress = 47
    client.force_login(admin)
    page = client.get(f"/documents/jobs/{dead.pk}/").content.decode()
    assert f"/documents/jobs/{dead.pk}/retry/" in page and 'http-equiv="refresh"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/documents/jobs/start/", {"kind": "attachment2", "format": "docx", "object_id": unit.pk}
        )
    new = DocumentJob.objects.exclude(pk=dead.pk).get()
    assert response["Location"] == f"/documents/jobs/{new.pk}/"
    assert new.status == DocumentJob.Status.DONE


@pytest.mark.django_db
def test_a_job_with_a_fresh_heartbeat_is_still_waited_for(client, unit_admin, settings):
    unit, admin = unit_admin
    settings.DOCUMENTS_HEARTBEAT_TIMEOUT = 60
    running = _job(admin, unit, heartbeat_age=10)
    assert services.start_job(user=admin, kind="attachment2", fmt="docx", object_id=unit.pk) == running
    client.force_login(admin)
    response = client.post(f"/documents/jobs/{running.pk}/retry/", follow=True)
    assert "仍在进行中" in response.content.decode() and DocumentJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_written_while_the_job_runs_and_stops_after(unit_admin, settings):
    unit, admin = unit_admin
    settings.DOCUMENTS_HEARTBEAT_SECONDS = 0.1
    job = _job(admin, unit, heartbeat_age=120)
    with heartbeat.beating(job.pk):
        beat = _wait(
            lambda: DocumentJob.objects.filter(pk=job.pk, heartbeat_at__gt=job.heartbeat_at).first(), 30, "a beat"
        )
    last = DocumentJob.objects.get(pk=job.pk).heartbeat_at
    assert beat.heartbeat_at <= last
    time.sleep(0.5)
    assert DocumentJob.objects.get(pk=job.pk).heartbeat_at == last


@pytest.fixture
def beating_worker(request, monkeypatch, settings):
    """The real worker of test_worker_lost, beating every second; dead after 5 s without a beat."""
    monkeypatch.setenv("DOCUMENTS_HEARTBEAT_SECONDS", "1")
    settings.DOCUMENTS_HEARTBEAT_TIMEOUT = 5
    return request.getfixturevalue("worker_process")


@needs_libreoffice
@pytest.mark.broker
@pytest.mark.postgres
@pytest.mark.libreoffice
@pytest.mark.django_db(transaction=True)
def test_when_the_worker_parent_is_killed_the_job_is_swept_and_asked_again_at_once(beating_worker):
    marker = beating_worker
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    job = services.start_job(user=admin, kind="attachment2", fmt="pdf", object_id=unit.pk)
    child = int(_wait(lambda: marker.exists() and marker.read_text().strip(), 120, "the conversion to start"))
    started = DocumentJob.objects.get(pk=job.pk)
    # Alive: the heartbeat moves while LibreOffice hangs.
    _wait(lambda: DocumentJob.objects.filter(pk=job.pk, heartbeat_at__gt=started.heartbeat_at).exists(), 30, "a beat")
    assert services.sweep_stale_jobs() == 0

    # The worker's parent and child, killed at once: nothing comes back to end the job.
    os.killpg(os.getpgid(child), signal.SIGKILL)
    swept = _wait(lambda: services.sweep_stale_jobs(), 60, "the sweep to find the dead job")
    assert swept == 1
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED and "意外中止" in job.message

    again = services.start_job(user=admin, kind="attachment2", fmt="pdf", object_id=unit.pk)
    assert again.pk != job.pk and again.status == DocumentJob.Status.PENDING
