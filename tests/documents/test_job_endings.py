"""A document job always ends (issue 13, point 1): an unexpected error, a dead worker process or
a lost message ends it as failed with a Chinese message; a failed or stale job is retried from
its page; a lost file is made again; LibreOffice leaves nothing behind when its worker dies."""

import datetime
import os
import signal
import subprocess

import pytest
from django.utils import timezone

from accounts.models import Role
from documents import conversion, generators, samples, services, tasks
from documents.models import DocumentJob, GeneratedDocument
from tests.factories import user_with_role

from .factories import PlatformFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_admin():
    unit = PlatformFactory().owner
    return unit, user_with_role(Role.BASE_ADMIN, unit)


def _start(user, unit, capture, fmt="docx") -> DocumentJob:
    with capture(execute=True):
        job = services.start_job(user=user, kind="attachment2", fmt=fmt, object_id=unit.pk)
    job.refresh_from_db()
    return job


def _age(job: DocumentJob, seconds: float) -> None:
    DocumentJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_an_unexpected_error_ends_the_job_failed_with_a_chinese_message(
    unit_admin, monkeypatch, django_capture_on_commit_callbacks
):
    unit, admin = unit_admin
    job = services.start_job(user=admin, kind="attachment2", fmt="docx", object_id=unit.pk)

    def broken(_doc):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(services.GENERATORS, "attachment2", broken)
    tasks.generate_document.delay(job.pk)
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED
    assert "服务器内部错误" in job.message and "disk on fire" not in job.message


def test_a_job_found_running_lost_its_worker_and_ends_failed_instead_of_running_again(unit_admin):
    unit, admin = unit_admin
    job = DocumentJob.objects.create(
        kind="attachment2", format="docx", requested_by=admin, object_id=unit.pk, status="running", progress=5
    )
    services.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED and "意外中止" in job.message
    assert not GeneratedDocument.objects.exists()


def test_progress_counts_as_activity_for_the_sweep(unit_admin):
    _unit, admin = unit_admin
    job = DocumentJob.objects.create(kind="package", format="zip", requested_by=admin, status="running")
    _age(job, 3600)
    services._update(job.pk, progress=40)
    job.refresh_from_db()
    assert timezone.now() - job.updated_at < datetime.timedelta(minutes=1)


def test_the_sweep_fails_jobs_without_progress_past_their_limit_and_only_those(unit_admin, settings):
    _unit, admin = unit_admin
    settings.DOCUMENTS_JOB_TIME_LIMIT = 600

    def job(status, age):
        created = DocumentJob.objects.create(kind="attachment2", format="docx", requested_by=admin, status=status)
        _age(created, age)
        return created

    stale_running, stale_pending = job("running", 601), job("pending", 601)
    fresh_running = job("running", 599)
    assert tasks.sweep_stale_jobs.delay().get() == 2
    statuses = dict(DocumentJob.objects.values_list("pk", "status"))
    assert statuses[stale_running.pk] == statuses[stale_pending.pk] == "failed"
    assert statuses[fresh_running.pk] == "running"
    assert "长时间没有进展" in DocumentJob.objects.get(pk=stale_running.pk).message


def test_the_sweep_is_scheduled_and_delivery_is_at_least_once_done_right(settings):
    from portal.celery import app

    assert any(e["task"] == "documents.tasks.sweep_stale_jobs" for e in settings.CELERY_BEAT_SCHEDULE.values())
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.task_soft_time_limit == settings.DOCUMENTS_JOB_TIME_LIMIT
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
    # Longer than any task may run (no double start), far below Redis' default hour.
    assert app.conf.task_time_limit < app.conf.broker_transport_options["visibility_timeout"] < 3600


def test_a_stale_job_page_stops_refreshing_and_offers_a_retry_that_succeeds(
    client, unit_admin, django_capture_on_commit_callbacks, settings
):
    unit, admin = unit_admin
    job = DocumentJob.objects.create(
        kind="attachment2", format="docx", requested_by=admin, object_id=unit.pk, status="running", progress=5
    )
    _age(job, settings.DOCUMENTS_JOB_TIME_LIMIT + 1)
    client.force_login(admin)
    page = client.get(f"/documents/jobs/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f"/documents/jobs/{job.pk}/retry/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/jobs/{job.pk}/retry/")
    new = DocumentJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/documents/jobs/{new.pk}/"
    assert new.status == DocumentJob.Status.DONE and new.result is not None
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.FAILED


def test_a_failed_job_page_offers_the_retry(client, unit_admin):
    unit, admin = unit_admin
    job = DocumentJob.objects.create(
        kind="attachment2", format="docx", requested_by=admin, object_id=unit.pk, status="failed", message="x"
    )
    client.force_login(admin)
    page = client.get(f"/documents/jobs/{job.pk}/").content.decode()
    assert f"/documents/jobs/{job.pk}/retry/" in page and 'http-equiv="refresh"' not in page


def test_a_job_still_making_progress_is_not_retried(client, unit_admin):
    unit, admin = unit_admin
    job = DocumentJob.objects.create(
        kind="attachment2", format="docx", requested_by=admin, object_id=unit.pk, status="running"
    )
    client.force_login(admin)
    assert 'http-equiv="refresh"' in client.get(f"/documents/jobs/{job.pk}/").content.decode()
    response = client.post(f"/documents/jobs/{job.pk}/retry/", follow=True)
    assert "仍在进行中" in response.content.decode()
    assert DocumentJob.objects.count() == 1


def test_retry_is_post_only_and_another_users_job_is_404(client, unit_admin):
    unit, admin = unit_admin
    job = DocumentJob.objects.create(
        kind="attachment2", format="docx", requested_by=admin, object_id=unit.pk, status="failed"
    )
    client.force_login(admin)
    assert client.get(f"/documents/jobs/{job.pk}/retry/").status_code == 405
    other_unit = PlatformFactory().owner
    client.force_login(user_with_role(Role.BASE_ADMIN, other_unit))
    assert client.post(f"/documents/jobs/{job.pk}/retry/").status_code == 404
    assert DocumentJob.objects.count() == 1


def test_a_lost_file_is_made_again_under_the_same_row(unit_admin, django_capture_on_commit_callbacks):
    unit, admin = unit_admin
    first = _start(admin, unit, django_capture_on_commit_callbacks)
    first.result.file.storage.delete(first.result.file.name)
    second = _start(admin, unit, django_capture_on_commit_callbacks)
    assert second.status == DocumentJob.Status.DONE, second.message
    assert second.result_id == first.result_id
    assert GeneratedDocument.objects.count() == 1
    document = GeneratedDocument.objects.get()
    assert document.file.storage.exists(document.file.name)
    first.refresh_from_db()
    assert first.status == DocumentJob.Status.DONE and first.result_id == document.pk


def test_downloading_a_lost_file_explains_instead_of_crashing(client, unit_admin, django_capture_on_commit_callbacks):
    unit, admin = unit_admin
    job = _start(admin, unit, django_capture_on_commit_callbacks)
    job.result.file.storage.delete(job.result.file.name)
    client.force_login(admin)
    response = client.get(f"/documents/files/{job.result_id}/download/", follow=True)
    assert response.status_code == 200
    assert "文件已丢失" in response.content.decode()


def test_the_fontconfig_file_lives_in_the_projects_runtime_folder(settings, tmp_path):
    settings.RUNTIME_DIR = tmp_path / "var"
    conversion.fontconfig_file.cache_clear()
    try:
        path = conversion.fontconfig_file()
        assert path.parent.parent == settings.RUNTIME_DIR
        assert str(conversion.ALIAS_FILE) in path.read_text()
    finally:
        conversion.fontconfig_file.cache_clear()


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_dead_workers_libreoffice_folder_and_processes_are_swept(settings, tmp_path):
    settings.RUNTIME_DIR = tmp_path / "var"
    orphan = conversion.work_root() / f"{_dead_pid()}-abc"
    (orphan / "profile").mkdir(parents=True)
    # Stands in for the soffice a killed worker left running, in its own process group.
    leftover = subprocess.Popen(["sleep", "300"], start_new_session=True)
    (orphan / "pgid").write_text(str(leftover.pid))
    ours = conversion.work_root() / f"{os.getpid()}-def"
    ours.mkdir()
    try:
        assert conversion.sweep_orphaned_work_dirs() == 1
        assert leftover.wait(timeout=10) == -signal.SIGKILL
        assert not orphan.exists() and ours.exists()
    finally:
        if leftover.poll() is None:
            leftover.kill()


def test_a_conversion_removes_its_own_folder(settings, tmp_path):
    settings.RUNTIME_DIR = tmp_path / "var"
    settings.LIBREOFFICE_BINARY = "true"  # exits at once without a PDF
    with pytest.raises(conversion.ConversionError):
        conversion.docx_to_pdf(generators.attachment4(samples.pledge()))
    assert list(conversion.work_root().iterdir()) == []
