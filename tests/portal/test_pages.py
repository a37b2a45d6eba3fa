import pytest
from django.urls import reverse

from accounts.models import Role
from portal.models import Announcement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_shows_2022_notice_first_in_chinese(client):
    Announcement.objects.create(title="其他通知", body="正文")
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport"' in html
    first = response.context["page"].object_list[0]
    assert first.title.startswith("山东省人力资源和社会保障厅关于做好2022年度专业技术人员继续教育")


def test_home_in_english_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("portal:home"))
    assert '<html lang="en">' in response.content.decode()


def test_notice_page_shows_the_rule(client):
    notice = Announcement.objects.get(title__contains="2022年度专业技术人员继续教育")
    response = client.get(reverse("portal:announcement", args=[notice.pk]))
    assert "每年累计应不少于 90 学时" in response.content.decode()


def test_unpublished_announcement_is_404(client):
    hidden = Announcement.objects.create(title="草稿", body="x", is_published=False)
    assert client.get(reverse("portal:announcement", args=[hidden.pk])).status_code == 404


def test_dashboard_requires_login(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.parametrize("role", Role.values)
def test_dashboard_sends_each_role_to_a_start_page_it_may_open(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


def test_user_without_role_lands_on_profile(client):
    client.force_login(UserFactory())
    response = client.get(reverse("portal:dashboard"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "尚未被授予任何角色" in response.content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_workspace_allows_only_its_role(client, role_users, role):
    url = reverse("portal:workspace", args=[role])
    for holder_role, user in role_users.items():
        client.force_login(user)
        expected = 200 if holder_role == role else 403
        assert client.get(url).status_code == expected, (holder_role, role)


def test_workspace_anonymous_redirects_to_login(client):
    response = client.get(reverse("portal:workspace", args=[Role.PROFESSIONAL]))
    assert response.status_code == 302


def test_unknown_role_workspace_is_403(client, role_users):
    client.force_login(role_users[Role.PROFESSIONAL])
    assert client.get(reverse("portal:workspace", args=["wizard"])).status_code == 403


def test_navigation_lists_role_sections(client, role_users):
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    html = client.get(reverse("portal:home")).content.decode()
    assert "用人单位管理员" in html


def test_pages_send_a_content_security_policy(client):
    response = client.get(reverse("portal:home"))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_healthz(client):
    assert client.get(reverse("portal:healthz")).json() == {"status": "ok"}


def test_admin_is_for_staff_only(client, role_users):
    client.force_login(role_users[Role.PROFESSIONAL])
    assert client.get("/admin/").status_code == 302
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_public_pages_are_in_the_menu_for_anonymous_visitors(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("courses:catalogue") in html
    assert reverse("selection:index") in html
    assert reverse("credits:verify") in html


def test_chinese_even_for_an_english_browser_until_english_is_chosen(client):
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_api_errors_are_chinese_for_any_client(client):
    body = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "身份认证" in body["detail"] or "登录" in body["detail"]
