"""Beat runs once (issue 22, item 6): two `celery beat` processes on the same Redis send each
periodic task once, because RedBeat's lock lets only one of them run the schedule."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SWEEP = "documents.tasks.sweep_stale_jobs"

needs_redis_server = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


@pytest.fixture
def throwaway_redis(tmp_path):
    """A Redis of this test's own on a free port (the shared one is never touched)."""
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    client = redis.Redis(port=port, socket_timeout=5)
    try:
        _wait(lambda: _pings(client), 20, "redis-server to start")
        yield client, f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        _stop(process)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def _beat(url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "CELERY_BROKER_URL": url, "DJANGO_RUNTIME_DIR": str(log.parent / log.stem)}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _sent(client, task: str) -> int:
    """Messages for `task` waiting in any queue of the broker."""
    count = 0
    for key in client.scan_iter():
        if client.type(key) == b"list":
            count += sum(json.loads(raw)["headers"]["task"] == task for raw in client.lrange(key, 0, -1))
    return count


def test_the_documented_deployment_runs_beat_with_a_lock_and_not_inside_a_worker():
    assert settings.CELERY_BEAT_SCHEDULER == "redbeat.RedBeatScheduler"
    makefile = (ROOT / "Makefile").read_text()
    assert "worker -l info" in makefile and "-B" not in makefile and "celery -A portal beat" in makefile


@needs_redis_server
@pytest.mark.broker
def test_two_beats_send_each_periodic_task_once(throwaway_redis, tmp_path):
    client, url = throwaway_redis
    first = _beat(url, tmp_path / "first.log")
    second = None
    try:
        _wait(lambda: "Acquired lock" in (tmp_path / "first.log").read_text(), 60, "the first beat's lock")
        second = _beat(url, tmp_path / "second.log")
        _wait(lambda: "beat: Starting" in (tmp_path / "second.log").read_text(), 60, "the second beat to start")
        second_started = time.monotonic()
        # The sweep is due a minute after a beat installs the schedule.
        _wait(lambda: _sent(client, SWEEP) >= 1, 90, "the first sweep to be sent")
        # Without the lock the second beat would send it too, within its first minute and a tick.
        time.sleep(max(0.0, second_started + 60 + 6 - time.monotonic()))
        assert _sent(client, SWEEP) == 1
        assert "Acquired lock" not in (tmp_path / "second.log").read_text()
    finally:
        for process in (first, second):
            if process is not None:
                _stop(process)
