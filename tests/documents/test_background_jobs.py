"""Long jobs never block: without a broker a job runs in a background thread, the start request
returns at once with the progress page, and starting the same job again while it runs finds it."""

import ast
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from documents import services
from documents.models import DocumentJob
from tests.factories import user_with_role

from .factories import PlatformFactory
from .helpers import needs_libreoffice


def _wait_finished(job_id: int, seconds: float = 120) -> DocumentJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = DocumentJob.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def _unit_admin():
    unit = PlatformFactory().owner
    return unit, user_with_role(Role.BASE_ADMIN, unit)


@needs_libreoffice
@pytest.mark.libreoffice
@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_progress_page_comes_at_once_and_the_job_finishes_behind_it(
    client, gated_soffice, background_threads
):
    unit, admin = _unit_admin()
    client.force_login(admin)
    response = client.post(reverse("documents:start"), {"kind": "attachment2", "object_id": unit.pk, "format": "pdf"})
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:job", args=[job.pk])
    # The conversion cannot have finished: LibreOffice is still waiting at the gate.
    assert job.status in (DocumentJob.Status.PENDING, DocumentJob.Status.RUNNING)
    progress = client.get(response["Location"]).content.decode()
    assert "data-job-poll" in progress and "正在生成，本页每2秒自动刷新" in progress
    assert 'role="progressbar"' in progress
    gated_soffice.touch()
    job = _wait_finished(job.pk)
    assert job.status == DocumentJob.Status.DONE, job.message
    assert job.result.file.read().startswith(b"%PDF-")
    done = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "已完成" in done and "data-job-poll" not in done and 'http-equiv="refresh"' not in done


@needs_libreoffice
@pytest.mark.libreoffice
@pytest.mark.django_db(transaction=True)
def test_starting_the_same_document_while_it_runs_returns_the_running_job(client, gated_soffice, background_threads):
    unit, admin = _unit_admin()
    client.force_login(admin)
    data = {"kind": "attachment2", "object_id": unit.pk, "format": "pdf"}
    first = client.post(reverse("documents:start"), data)
    second = client.post(reverse("documents:start"), data)
    job = DocumentJob.objects.get()
    assert first["Location"] == second["Location"] == reverse("documents:job", args=[job.pk])
    # The documents page shows the running job in place of that document's buttons.
    page = client.get(reverse("documents:index"), {"year": 2022}).content.decode()
    assert "正在生成…" in page and reverse("documents:job", args=[job.pk]) in page
    # Another format of the same document is another job.
    client.post(reverse("documents:start"), {**data, "format": "docx"})
    assert DocumentJob.objects.count() == 2
    gated_soffice.touch()
    for pk in DocumentJob.objects.values_list("pk", flat=True):
        assert _wait_finished(pk).status == DocumentJob.Status.DONE
    # Finished: the page offers the buttons again and a new start is a new job.
    page = client.get(reverse("documents:index"), {"year": 2022}).content.decode()
    assert "正在生成…" not in page
    client.post(reverse("documents:start"), data)
    assert DocumentJob.objects.count() == 3
    # Let the new job end inside the test (its thread must not outlive the test's database rows).
    assert _wait_finished(DocumentJob.objects.latest("pk").pk).status == DocumentJob.Status.DONE


@pytest.mark.django_db
def test_a_running_job_of_another_user_is_not_reused(django_capture_on_commit_callbacks):
    unit, admin = _unit_admin()
    colleague = user_with_role(Role.BASE_ADMIN, unit)
    theirs = DocumentJob.objects.create(
        kind="attachment2",
        format="docx",
        requested_by=colleague,
        organisation=unit,
        object_id=unit.pk,
        status=DocumentJob.Status.RUNNING,
    )
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.start_job(user=admin, kind="attachment2", fmt="docx", object_id=unit.pk)
    assert mine.pk != theirs.pk and mine.requested_by == admin


@pytest.mark.django_db
def test_a_stale_job_is_not_waited_for_a_new_one_starts(settings, django_capture_on_commit_callbacks):
    unit, admin = _unit_admin()
    stale = DocumentJob.objects.create(
        kind="attachment2",
        format="docx",
        requested_by=admin,
        organisation=unit,
        object_id=unit.pk,
        status=DocumentJob.Status.RUNNING,
    )
    long_ago = timezone.now() - timedelta(seconds=settings.DOCUMENTS_JOB_TIME_LIMIT + 60)
    DocumentJob.objects.filter(pk=stale.pk).update(updated_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(user=admin, kind="attachment2", fmt="docx", object_id=unit.pk)
    job.refresh_from_db()
    stale.refresh_from_db()
    assert job.pk != stale.pk and job.status == DocumentJob.Status.DONE
    # Without a broker no beat runs the sweep: starting a job sweeps instead.
    assert stale.status == DocumentJob.Status.FAILED and "长时间没有进展" in stale.message


def _top_level_imports(module: str) -> set[str]:
    tree = ast.parse((Path(services.__file__).parent / f"{module}.py").read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names |= {f"{node.module or ''}.{a.name}".lstrip(".") for a in node.names} | {node.module or ""}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return names


def test_services_and_tasks_do_not_import_each_other_at_load_time():
    assert not any("tasks" in name for name in _top_level_imports("services"))
    assert not any("services" in name for name in _top_level_imports("tasks"))
