"""Dates and hours, one convention on every page (issue 23): 2026年12月8日, never 2026-12-08, and
30 学时, never 30.0 学时. Each demo role's pages (its start page and every menu entry, plus the
public ones) are read as a person sees them: the text, not the markup's attributes."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from accounts.models import User
from portal.formats import cn_date, cn_datetime_minutes
from portal.navigation import menu_for, public_menu
from tests.journeys.conftest import demo  # noqa: F401 -- the demo data fixture, shared with the journeys

pytestmark = pytest.mark.django_db

DEMO_USERS = ["professional", "employer", "base", "city", "province", "department", "association", "expert"]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HOURS_WITH_ZERO = re.compile(r"\d+\.0(?!\d)\s*(学时|小时)")


class VisibleText(HTMLParser):
    """The text a person reads: no script or style, no attribute values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def pages_of(user) -> list[str]:
    urls = [url for _label, url in public_menu()]
    for section in menu_for(user):
        urls.append(section["start"])
        urls += [item["url"] for item in section["items"]]
    return list(dict.fromkeys(urls))


def test_every_roles_pages_write_dates_in_chinese_and_hours_without_dot_zero(demo):  # noqa: F811
    found = []
    for username in DEMO_USERS:
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user)
        for url in pages_of(user):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            text = visible_text(response.content.decode())
            for pattern in (ISO_DATE, HOURS_WITH_ZERO):
                found += [(username, url, m.group(0)) for m in pattern.finditer(text)]
    assert found == []


def test_plain_and_date_filtered_dates_follow_the_same_convention_as_cn_date():
    day, moment = datetime.date(2026, 12, 8), datetime.datetime(2026, 12, 8, 14, 30)
    template = Template(
        "{{ day }}|{{ day|date }}|{{ day|date:'SHORT_DATE_FORMAT' }}|{{ moment }}|{{ day|date:'MONTH_DAY_FORMAT' }}"
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"day": day, "moment": moment})) == (
            f"{cn_date(day)}|{cn_date(day)}|{cn_date(day)}|2026年12月8日 14:30|12月8日"
        )
    with translation.override("en"):
        assert template.render(Context({"day": day, "moment": moment})).startswith(
            "Dec. 8, 2026|Dec. 8, 2026|12/08/2026"
        )


class Dates(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_a_date_input_shows_its_value_as_the_browser_needs_it_and_takes_chinese_dates():
    with translation.override("zh-hans"):
        assert 'value="2026-12-08"' in str(Dates(initial={"day": datetime.date(2026, 12, 8)})["day"])
        for typed in ("2026-12-08", "2026/12/08", "2026年12月8日"):
            form = Dates({"day": typed})
            assert form.is_valid(), typed
            assert form.cleaned_data["day"] == datetime.date(2026, 12, 8)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.datetime(2026, 12, 8, 6, 30, 59, tzinfo=datetime.UTC), "2026年12月8日 14:30"),
        (datetime.date(2026, 12, 8), "2026年12月8日"),
        (None, ""),
    ],
)
def test_a_moment_to_the_minute_is_written_in_beijing_time(value, shown):
    assert cn_datetime_minutes(value) == shown
