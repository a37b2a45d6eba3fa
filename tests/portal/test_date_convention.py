"""Dates and hours, one convention on every page (issue 23): 2026年12月8日, never 2026-12-08, and
30 学时, never 30.0 学时. Each demo role's pages (its start page and every menu entry, plus the
public ones) are read as a person sees them: the text, not the markup's attributes."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts.models import User
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
