"""The 材料报送 page tells each unit the title its file needs for that call's year (issue 23): a
2026 call asks for "…2026年度继续教育材料", never the notice's 2022."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from .factories import CallFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_intro_and_each_card_follow_the_calls_year(client, province, department, unit_user, call):
    CallFactory(
        receiver=province,
        year=2026,
        name="2026年度学习指南",
        deadline=datetime.datetime(2027, 4, 30, 23, 59, 59, tzinfo=SHANGHAI),
    )
    client.force_login(unit_user)
    response = client.get(reverse("submissions:my_calls"))
    body = response.content.decode()
    intro = body.split("<h1>", 1)[1].split("</p>", 1)[0]
    # The open call's year in the intro; the closed 2022 call keeps its own title on its card.
    assert "XXX（市、部门、单位）2026年度继续教育材料" in intro and "2022年度继续教育材料" not in intro
    assert "山东省卫生健康委员会2026年度继续教育材料" in body
    assert "山东省卫生健康委员会2022年度继续教育材料" in body
    assert {row["title"] for row in response.context["rows"]} == {
        "山东省卫生健康委员会2026年度继续教育材料",
        "山东省卫生健康委员会2022年度继续教育材料",
    }


def test_with_only_a_closed_call_the_intro_names_its_year(client, unit_user, call):
    client.force_login(unit_user)
    intro = client.get(reverse("submissions:my_calls")).content.decode().split("<h1>", 1)[1].split("</p>", 1)[0]
    assert "XXX（市、部门、单位）2022年度继续教育材料" in intro
