import shutil

import pytest

from documents import background
from portal.celery import app


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Jobs run in the test's process even when a broker is configured (CI sets one); the
    real-worker test switches this off again through its own fixture."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _background_jobs_run_at_once(request, monkeypatch):
    """Without a broker a job runs in a background thread (documents.background). Most tests here
    check a job's result right after starting it inside the test's transaction, where another
    thread could not even see the job's row: for them the job runs at once, in this thread.
    Tests using the `background_threads` fixture keep the real threads (and need a transactional
    database)."""
    if "background_threads" not in request.fixturenames:
        monkeypatch.setattr(background, "submit", lambda work, *args: work(*args))


@pytest.fixture
def background_threads():
    """Jobs started without a broker run in real background threads (see above)."""


@pytest.fixture
def gated_soffice(settings, tmp_path):
    """LibreOffice that waits until the test opens the gate (touches the returned path), so the
    test decides when the conversion may finish instead of racing it."""
    gate = tmp_path / "gate-open"
    fake = tmp_path / "soffice"
    fake.write_text(f'#!/bin/sh\nwhile [ ! -e "{gate}" ]; do sleep 0.1; done\nexec "{shutil.which("soffice")}" "$@"\n')
    fake.chmod(0o755)
    settings.LIBREOFFICE_BINARY = str(fake)
    settings.LIBREOFFICE_TIMEOUT = 120
    return gate
