"""Each role's journey in a real browser (issue 14): the demo data seeded once per module's test,
every page checked at 375 x 812 and 1280 x 800 for horizontal scrolling (phone) and axe-core's
serious and critical findings, with a screenshot of each step kept under var/screenshots/."""

import importlib
import io
import os

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from tests.browser import (
    DESKTOP,
    PHONE,
    chromium_available,
    launch,
    no_horizontal_scroll,
    save_screenshot,
    serious_axe_violations,
)

VIEWPORTS = [PHONE, DESKTOP]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/journeys/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"))


# Data the migrations write and the demo builds on; an earlier transactional test's flush removed it.
MIGRATION_DATA = [
    ("courses.migrations.0003_topics_2022", "add_topics"),
    ("credits.migrations.0002_policy_2022_and_ledger_guard", "seed_2022"),
    ("portal.migrations.0002_notice_2022", "publish_notice"),
]


@pytest.fixture
def demo(settings, tmp_path):
    """The demo data (`seed_demo`), its files under a temporary media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for module, function in MIGRATION_DATA:  # each is idempotent (get_or_create)
        getattr(importlib.import_module(module), function)(apps, None)
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM work is done before or between.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Journey:
    """One person's visit at one width: logs in, and checks every page it is shown."""

    def __init__(self, browser, base_url: str, viewport: dict, name: str):
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.width = viewport["width"]
        self.name = name
        self.step = 0

    def login(self, username: str):
        self.page.goto(self.base_url + "/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("#main button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"

    def go(self, path: str, *, expect: str = ""):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, (path, response.status)
        return self.check(path, expect=expect)

    def check(self, label: str, *, expect: str = "", fits_phone: bool = True):
        """What the user must see, no sideways scrolling on a phone, no serious axe finding."""
        page = self.page
        page.wait_for_load_state()
        if expect:
            assert expect in page.inner_text("#main"), (self.width, label, expect)
        if fits_phone and self.width == PHONE["width"]:
            assert no_horizontal_scroll(page), (label, "scrolls sideways at 375 px")
        assert serious_axe_violations(page) == [], (self.width, label)
        self.step += 1
        save_screenshot(page, f"journey-{self.name}-{self.width}-{self.step:02d}")
        return page

    def click(self, selector: str, *, expect: str = "", **kwargs):
        """Click something that is visible on screen (never behind a sideways scroll) and check
        the page it leads to."""
        target = self.page.locator(selector, **kwargs).first
        assert target.is_visible(), (self.width, selector)
        box = target.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= self.page.viewport_size["width"] + 1, (self.width, selector)
        target.click()
        return self.check(selector, expect=expect)

    def smallest_chart_text_px(self) -> float:
        """The smallest label of the page's SVG charts as drawn on screen, in CSS pixels."""
        return self.page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('.chart svg text')].map(t => {
                const svg = t.ownerSVGElement;
                const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                return parseFloat(t.getAttribute('font-size')) * scale;
            }))"""
        )

    def download(self, selector: str, **kwargs):
        with self.page.expect_download() as info:
            self.page.locator(selector, **kwargs).first.click()
        return info.value

    def close(self):
        self.context.close()


@pytest.fixture
def journey(browser, live_server):
    opened = []

    def start(viewport: dict, name: str, username: str | None = None) -> Journey:
        visit = Journey(browser, live_server.url, viewport, name)
        opened.append(visit)
        if username:
            visit.login(username)
        return visit

    yield start
    for visit in opened:
        visit.close()
