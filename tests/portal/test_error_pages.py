"""Errors in Chinese (issue 22): a server error is the portal's page with a reference number that
the log line carries too; a dependency that is away is a 503 saying so. The pages render with no
database, session or cache (any of them may be what failed)."""

import json
import logging

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from portal.errors import StorageUnavailable, server_error


def _explode(request):
    raise RuntimeError("a bug")


def _database_away(request):
    raise OperationalError('connection to server failed: FATAL:  too many connections for role "portal"')


def _storage_away(request):
    raise StorageUnavailable("Could not connect to the endpoint URL")


urlpatterns = [
    path("boom/", _explode),
    path("db-away/", _database_away),
    path("storage-away/", _storage_away),
    path("api/v1/boom/", _explode),
    path("fine/", lambda request: HttpResponse("ok")),
]
handler500 = "portal.errors.server_error"


@pytest.fixture
def broken_client(client):
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        yield client


def test_a_server_error_is_a_chinese_page_whose_reference_is_in_the_log(broken_client, caplog):
    with caplog.at_level(logging.ERROR, logger="portal.errors"):
        response = broken_client.get("/boom/")
    body = response.content.decode()
    reference = response["X-Error-Reference"]
    assert response.status_code == 500
    assert "抱歉，系统出错了" in body and reference in body and "Server Error" not in body
    logged = [r for r in caplog.records if r.name == "portal.errors"]
    assert reference in logged[0].getMessage() and logged[0].exc_info[0] is RuntimeError


@pytest.mark.parametrize(
    ("path", "message"),
    [("/db-away/", "系统繁忙"), ("/storage-away/", "文件服务暂时不可用")],
)
def test_a_dependency_that_is_away_is_a_503_saying_so(broken_client, path, message):
    response = broken_client.get(path)
    assert response.status_code == 503
    assert message in response.content.decode()
    assert response["Retry-After"] == "30"


def test_under_the_api_the_error_is_json_and_keeps_its_reference(broken_client):
    response = broken_client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"
    assert response["X-Error-Reference"]


def test_the_error_page_touches_no_database():
    # No django_db mark: pytest-django makes any database access in this test raise.
    request = RequestFactory().get("/boom/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500 and "错误编号" in response.content.decode()


@pytest.mark.django_db
def test_the_proxy_pages_are_written_with_their_style_inlined(tmp_path):
    from django.core.management import call_command

    call_command("error_pages", str(tmp_path))
    for name in ("502.html", "503.html"):
        page = (tmp_path / name).read_text(encoding="utf-8")
        assert "服务暂时不可用" in page and "<style>" in page and "portal.css" not in page
