"""The home page serves (quick entries, deadlines still ahead, the user's own work) and the menu
marks where the user is."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.queries import expect_queries
from tests.selection.factories import open_campaign
from tests.submissions.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_home_offers_quick_entries_to_everyone(client):
    html = client.get(reverse("portal:home")).content.decode()
    for label, url_name in [
        ("学时查询", "credits:my_hours"),
        ("证书查验", "credits:verify"),
        ("课程目录", "courses:catalogue"),
        ("公需课投票", "selection:index"),
    ]:
        assert f'href="{reverse(url_name)}"><strong>{label}</strong>' in html


def test_home_lists_deadlines_still_ahead_not_past_ones(client):
    now = timezone.now()
    CallFactory(name="明年的继续教育材料", deadline=now + datetime.timedelta(days=30))
    CallFactory(name="去年的继续教育材料", deadline=now - datetime.timedelta(days=1), year=2021)
    html = client.get(reverse("portal:home")).content.decode()
    assert "明年的继续教育材料截止" in html
    assert "去年的继续教育材料" not in html


def test_logged_in_home_goes_to_the_persons_work_and_drops_the_login_card(client, role_users):
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    html = client.get(reverse("portal:home")).content.decode()
    assert "进入用人单位管理员工作" in html
    assert f'href="{reverse("credits:roster")}"' in html
    assert "使用用户名或身份证号登录。" not in html


def test_anonymous_home_offers_login(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert "使用用户名或身份证号登录。" in html


def test_menu_marks_the_current_page(client, role_users):
    client.force_login(role_users[Role.PROFESSIONAL])
    html = client.get(reverse("credits:my_hours")).content.decode()
    assert f'<a href="{reverse("credits:my_hours")}" aria-current="page">' in html
    assert f'<a href="{reverse("credits:self_report")}" aria-current="page">' not in html


def test_home_query_count_for_anonymous_visitors(client):
    CallFactory(deadline=timezone.now() + datetime.timedelta(days=3))
    # 1 announcements count, 2 announcements page, 3 open calls, 4 campaigns not yet past voting
    with expect_queries("portal_announcement", "submissions_call", "selection_campaign", "portal_announcement"):
        assert client.get(reverse("portal:home")).status_code == 200


def test_a_campaign_in_its_public_notice_period_lists_its_closing(client):
    now = timezone.now()
    campaign = open_campaign(
        year=now.year,
        voting_start=now - datetime.timedelta(days=10),
        voting_end=now - datetime.timedelta(days=3),
        objection_start=now - datetime.timedelta(days=2),
        objection_end=now + datetime.timedelta(days=5),
    )
    html = client.get(reverse("portal:home")).content.decode()
    assert f"{campaign.title}：公示结束" in html
    assert f"{campaign.title}：网络投票结束" not in html


def test_call_deadlines_are_listed_without_a_link_that_most_visitors_cannot_open(client):
    CallFactory(name="单位材料", deadline=timezone.now() + datetime.timedelta(days=3))
    html = client.get(reverse("portal:home")).content.decode()
    assert "单位材料截止" in html and reverse("submissions:my_calls") not in html
