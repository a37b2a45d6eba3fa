import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def professional():
    return user_with_role(Role.PROFESSIONAL, username="liming")


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "用户名或身份证号" in response.content.decode()


def test_login_with_username(client, professional):
    response = login(client, "liming")
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert AuditEvent.objects.filter(type=AuditEvent.Type.LOGIN, actor=professional).exists()


def test_login_with_id_number(client, professional):
    response = login(client, professional.id_number)
    assert response.status_code == 302


def test_login_with_lower_case_x_id_number(client):
    user = user_with_role(Role.PROFESSIONAL, id_number="11010519491231002X")
    assert login(client, user.id_number.lower()).status_code == 302


def test_wrong_password_gets_chinese_error(client, professional):
    response = login(client, "liming", "wrong")
    assert response.status_code == 200
    assert "密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_account_locks_after_five_failures_even_with_right_password(client, professional):
    for _ in range(5):
        login(client, "liming", "wrong")
    response = login(client, "liming")
    assert response.status_code == 403
    body = response.content.decode()
    assert "锁定" in body
    assert "_auth_user_id" not in client.session


def test_id_number_and_username_share_one_failure_counter(client, professional):
    for i in range(5):
        login(client, professional.id_number if i % 2 else "liming", "wrong")
    assert login(client, "liming").status_code == 403


def test_lockout_is_per_account_not_per_address(client, professional):
    other = user_with_role(Role.PROFESSIONAL, username="colleague")
    for _ in range(5):
        login(client, "liming", "wrong")
    assert login(client, other.username).status_code == 302


def test_password_change_requires_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_password_change(client, professional):
    client.force_login(professional)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Xin-mima-2023!", "new_password2": "Xin-mima-2023!"},
    )
    assert response.status_code == 302
    professional.refresh_from_db()
    assert professional.check_password("Xin-mima-2023!")
    assert AuditEvent.objects.filter(type=AuditEvent.Type.PASSWORD_CHANGED).exists()


def test_password_reset_sends_mail(client, professional, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": professional.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "重置密码" in mailoutbox[0].subject


def test_profile_shows_own_id_number(client, professional):
    client.force_login(professional)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert professional.id_number in response.content.decode()
