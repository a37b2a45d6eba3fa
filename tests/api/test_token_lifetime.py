"""API tokens end (issue 13, point 4): they expire, and a password change, a lockout, a
deactivation or the owner's own revocation ends them; the API then answers 401 in the
contract's error shape."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Role
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The token endpoint allows 20 requests a minute per client, counted in the cache.
    cache.clear()


@pytest.fixture
def professional(employer):
    return user_with_role(Role.PROFESSIONAL, employer, username="liming")


def _token(username="liming", password=PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get("/api/v1/me/")


def _assert_401(response, code: str):
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code
    assert response["WWW-Authenticate"] == "Token"


def test_a_fresh_token_works(professional):
    assert _me(_token()).status_code == 200


def test_a_token_older_than_its_lifetime_is_refused_and_deleted(professional, settings):
    token = _token()
    Token.objects.filter(key=token).update(
        created=timezone.now() - settings.API_TOKEN_LIFETIME - datetime.timedelta(seconds=1)
    )
    response = _me(token)
    _assert_401(response, "token_expired")
    assert "过期" in response.json()["detail"]
    assert not Token.objects.filter(key=token).exists()


def test_a_token_just_inside_its_lifetime_still_works(professional, settings):
    token = _token()
    Token.objects.filter(key=token).update(
        created=timezone.now() - settings.API_TOKEN_LIFETIME + datetime.timedelta(minutes=1)
    )
    assert _me(token).status_code == 200


def test_asking_again_after_expiry_gives_a_new_token(professional, settings):
    old = _token()
    Token.objects.filter(key=old).update(created=timezone.now() - settings.API_TOKEN_LIFETIME * 2)
    new = _token()
    assert new != old
    assert _me(new).status_code == 200


def test_changing_the_password_revokes_the_token(professional):
    token = _token()
    professional.set_password("another-Secret-2022")
    professional.save()
    _assert_401(_me(token), "authentication_failed")


def test_changing_the_password_on_the_page_revokes_the_token(client, professional):
    token = _token()
    client.force_login(professional)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "another-Secret-2022", "new_password2": "another-Secret-2022"},
    )
    assert response.status_code == 302
    _assert_401(_me(token), "authentication_failed")


def test_saving_the_user_for_other_reasons_keeps_the_token(professional):
    token = _token()
    professional.name = "李明明"
    professional.save()
    assert _me(token).status_code == 200


def test_deactivating_the_account_revokes_the_token(professional):
    token = _token()
    professional.is_active = False
    professional.save()
    _assert_401(_me(token), "authentication_failed")
    assert not Token.objects.filter(user=professional).exists()


def test_a_locked_out_account_loses_its_token(professional, settings):
    token = _token()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post("/api/v1/auth/token/", {"username": "liming", "password": "wrong"}, format="json")
    _assert_401(_me(token), "authentication_failed")


def test_the_owner_revokes_their_token_through_the_api(professional):
    token = _token()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.delete("/api/v1/auth/token/")
    assert response.status_code == 204
    _assert_401(_me(token), "authentication_failed")
    assert AuditEvent.objects.filter(type=AuditEvent.Type.TOKEN_REVOKED, actor=professional).exists()


def test_revoking_through_the_api_without_credentials_is_401(professional):
    token = _token()
    _assert_401(APIClient().delete("/api/v1/auth/token/"), "not_authenticated")
    assert _me(token).status_code == 200


def test_one_user_cannot_revoke_anothers_token(professional, employer):
    token = _token()
    other = user_with_role(Role.PROFESSIONAL, employer, username="zhangsan")
    api = APIClient()
    api.force_authenticate(other)
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert _me(token).status_code == 200


def test_the_owner_revokes_their_token_on_the_profile_page(client, professional):
    token = _token()
    client.force_login(professional)
    page = client.get("/accounts/profile/")
    assert "API 令牌" in page.content.decode()
    assert client.get("/accounts/token/revoke/").status_code == 405
    response = client.post("/accounts/token/revoke/")
    assert response.status_code == 302
    _assert_401(_me(token), "authentication_failed")


def test_the_revoke_page_needs_a_login(client, professional):
    token = _token()
    response = client.post("/accounts/token/revoke/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _me(token).status_code == 200


def test_an_overlong_username_or_password_is_a_400_not_a_password_check(professional):
    response = APIClient().post("/api/v1/auth/token/", {"username": "liming", "password": "x" * 10_000}, format="json")
    assert response.status_code == 400 and "password" in response.json()["errors"]
