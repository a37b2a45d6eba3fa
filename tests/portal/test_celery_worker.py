"""A real Celery worker consumes a task from the broker (Redis in CI)."""

import os

import pytest
from django.conf import settings

from portal.celery import app
from portal.tasks import ping

needs_broker = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: no real broker here, the worker test is skipped (CI runs it on Redis)",
)


def test_tasks_run_eagerly_without_a_broker():
    if settings.CELERY_BROKER_URL:
        pytest.skip("a broker is configured; eager mode is for bare machines")
    assert ping.delay("hello").get()["payload"] == "hello"


@needs_broker
@pytest.mark.broker
def test_real_worker_consumes_task_from_broker():
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            result = ping.delay(f"from-test-{os.getpid()}")
            answer = result.get(timeout=30)
        assert answer["payload"] == f"from-test-{os.getpid()}"
        assert result.status == "SUCCESS"
        print(f"real Celery worker consumed portal.ping from {settings.CELERY_BROKER_URL.split('@')[-1]}")
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
