import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import PASSWORD, user_with_role
from tests.queries import expect_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def professional(employer):
    return user_with_role(Role.PROFESSIONAL, employer, username="liming", name="李明")


def test_token_with_username(api, professional):
    response = api.post("/api/v1/auth/token/", {"username": "liming", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_with_id_number(api, professional):
    response = api.post(
        "/api/v1/auth/token/", {"username": professional.id_number, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_token_with_bad_password_is_401_in_chinese(api, professional):
    response = api.post("/api/v1/auth/token/", {"username": "liming", "password": "nope"}, format="json")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert "密码不正确" in body["detail"]
    assert set(body) == {"detail", "code", "errors"}


def test_token_missing_fields_is_400_with_errors(api):
    response = api.post("/api/v1/auth/token/", {"username": "liming"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_token_for_locked_account_is_refused(api, professional):
    for _ in range(5):
        api.post("/api/v1/auth/token/", {"username": "liming", "password": "nope"}, format="json")
    response = api.post("/api/v1/auth/token/", {"username": "liming", "password": PASSWORD}, format="json")
    assert response.status_code in (401, 403)
    assert "锁定" in response.json()["detail"]
    assert "token" not in response.json()


def test_me_with_token(api, professional, employer):
    token = api.post("/api/v1/auth/token/", {"username": "liming", "password": PASSWORD}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "username": "liming",
        "name": "李明",
        "id_number": professional.id_number,
        "roles": [
            {"organisation": {"id": employer.id, "name": employer.name, "kind": "employer"}, "role": "professional"}
        ],
    }


def test_me_without_credentials_is_401_in_chinese(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "身份认证" in response.json()["detail"] or "登录" in response.json()["detail"]


def test_me_with_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_me_with_session(client, professional):
    client.force_login(professional)
    # session, user, roles
    with expect_queries("django_session", "accounts_user", "accounts_membership"):
        assert client.get("/api/v1/me/").status_code == 200


def test_api_root_lists_entry_points(api):
    body = api.get("/api/v1/").json()
    assert body["me"].endswith("/api/v1/me/")
    assert body["docs"].endswith("/api/docs/")


def test_schema_and_docs(client):
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert client.get(reverse("api-docs")).status_code == 200
