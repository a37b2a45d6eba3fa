"""Control characters and over-long URLs are refused before any view (issue 22, audit): a NUL in
a query string or path once reached PostgreSQL and answered 500 on four endpoints."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db

NUL = "\x00"


def _chinese_400(response) -> None:
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


def test_a_visitor_searching_the_teacher_pool_with_a_nul_gets_a_chinese_400(client):
    _chinese_400(client.get(reverse("selection:teacher_pool"), {"q": f"张{NUL}"}))
    assert client.get(reverse("selection:teacher_pool"), {"q": "张"}).status_code == 200


def test_a_visitor_verifying_a_certificate_with_a_nul_gets_a_chinese_400(client):
    _chinese_400(client.get(reverse("credits:verify"), {"code": f"AB{NUL}CD"}))


def test_a_nul_in_a_path_is_a_404(client):
    response = client.get(f"/hours/verify/AB{NUL}CD/")
    assert response.status_code == 404 and "不存在" in response.content.decode()


def test_a_city_bureau_searching_the_audit_list_with_a_nul_gets_a_chinese_400(client):
    client.force_login(user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")))
    _chinese_400(client.get(reverse("credits:audit"), {"year": 2022, "q": f"李{NUL}"}))
    assert client.get(reverse("credits:audit"), {"year": 2022, "q": "李"}).status_code == 200


def test_an_employer_filtering_compliance_by_department_with_a_nul_gets_the_api_error_shape(
    client, role_users, employer
):
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    url = reverse("api-organisation-compliance", args=[employer.pk])
    response = client.get(url, {"year": 2022, "department": f"财务{NUL}"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "提交的内容含有不允许的控制字符，请删除后重试。",
        "code": "control_character",
        "errors": {},
    }


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f"])
def test_other_control_characters_are_refused_too(client, char):
    _chinese_400(client.get(reverse("selection:teacher_pool"), {"q": f"a{char}b"}))


def test_a_posted_form_with_a_nul_is_refused_and_nothing_is_signed_in(client, role_users):
    user = role_users[Role.PROFESSIONAL]
    response = client.post(reverse("accounts:login"), {"username": f"{user.username}{NUL}", "password": "x"})
    _chinese_400(response)
    assert "_auth_user_id" not in client.session


def test_line_breaks_and_tabs_in_a_form_value_are_text_not_control(client):
    response = client.post(reverse("accounts:login"), {"username": "a\r\n\tb", "password": "x"})
    assert response.status_code == 200  # the login form answers its own error


def test_an_over_long_url_gets_a_chinese_414_before_gunicorns_limit(client, settings):
    response = client.get(reverse("selection:teacher_pool"), {"q": "张" * 2000})
    assert response.status_code == 414 and "网址过长" in response.content.decode()
    api = client.get(reverse("api-root"), {"q": "x" * settings.PORTAL_MAX_URL_LENGTH})
    assert api.status_code == 414 and api.json()["code"] == "uri_too_long"
    gunicorn = {}
    exec((settings.BASE_DIR / "gunicorn.conf.py").read_text(), gunicorn)  # noqa: S102 -- our own config file
    assert gunicorn["limit_request_line"] > settings.PORTAL_MAX_URL_LENGTH


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 -- our own local server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_under_gunicorn_a_long_url_gets_djangos_chinese_414_not_gunicorns(settings, tmp_path):
    port = _free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("wb"),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("gunicorn did not start") from None
                time.sleep(0.3)
        # Longer than gunicorn's default request line (4,094) and the portal's limit (4,000).
        status, body = _get(f"http://127.0.0.1:{port}/api/v1/topics/?q={'x' * 5000}")
        assert status == 414 and json.loads(body)["code"] == "uri_too_long"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
