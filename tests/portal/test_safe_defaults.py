"""Safe defaults (issue 13, point 5): DEBUG off unless `make run` turns it on, one development
secret key shared by every process, JSON errors under /api/, each log line printed once, beat's
schedule ignored by git, and QR codes pointing at the server `make run` serves."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def _setting(name: str, env_extra: dict | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    env.update(env_extra or {})
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_when_nothing_is_set():
    assert _setting("DEBUG") == "False"


def test_debug_is_on_only_when_asked_for():
    assert _setting("DEBUG", {"DJANGO_DEBUG": "true"}) == "True"


def _make_dry_run(*args: str) -> str:
    result = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if "runserver" in line)


def test_make_run_turns_debug_on_and_points_qr_codes_at_its_own_host_and_port():
    line = _make_dry_run("run", "HOST=127.0.0.1:8765")
    assert "DJANGO_DEBUG=true" in line
    assert "PORTAL_BASE_URL=http://127.0.0.1:8765" in line
    assert line.rstrip().endswith("runserver 127.0.0.1:8765")


def test_portal_base_url_set_by_hand_wins_over_make_runs_host():
    line = _make_dry_run("run", "HOST=127.0.0.1:8765", "PORTAL_BASE_URL=https://ce.example.cn")
    assert "PORTAL_BASE_URL=https://ce.example.cn" in line


def test_the_development_secret_key_is_shared_by_every_process_and_kept_out_of_git(tmp_path):
    env = {"DJANGO_RUNTIME_DIR": str(tmp_path)}
    first, second = _setting("SECRET_KEY", env), _setting("SECRET_KEY", env)
    assert first == second and len(first) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_the_default_runtime_folder_and_beat_schedules_are_ignored_by_git():
    paths = ["var/secret_key", "var/fontconfig/fonts.conf", "celerybeat-schedule", "celerybeat-schedule.db"]
    result = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert sorted(result.stdout.split()) == sorted(paths)


def test_beat_writes_its_schedule_into_the_runtime_folder(settings):
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent == Path(settings.RUNTIME_DIR)


LOGGERS = ["django.request", "django.server", "django.db.backends", "celery", "documents"]


def test_each_log_line_is_printed_once_by_the_development_server():
    code = (
        "import django, logging; django.setup()\n"
        f"for name in {LOGGERS!r}: logging.getLogger(name).warning('line from %s', name)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for name in LOGGERS:
        assert result.stderr.count(f"line from {name}\n") == 1, (name, result.stderr)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/no-such-thing/", "/api/v1/no-such-thing/", "/api/v1/courses/999999999/"])
def test_unknown_api_paths_answer_json_in_the_error_shape(client, path, debug):
    with override_settings(DEBUG=debug):
        response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "not_found"
    assert "未找到" in body["detail"]


@pytest.mark.django_db
def test_the_browsable_api_does_not_answer_html_errors_to_a_browser(client):
    response = client.get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_under_api_is_a_json_500(client, debug, monkeypatch):
    from accounts import api

    def explode(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.MeView, "get", explode)
    client.raise_request_exception = False
    user = __import__("tests.factories", fromlist=["UserFactory"]).UserFactory()
    client.force_login(user)
    with override_settings(DEBUG=debug):
        response = client.get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error" and "boom" not in body["detail"]
