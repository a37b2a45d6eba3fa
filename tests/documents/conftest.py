import pytest

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
