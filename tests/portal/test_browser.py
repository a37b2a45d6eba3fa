"""The portal in a real browser (Debian's chromium driven by Playwright), at phone width."""

import os
import shutil

import pytest

from accounts.models import Role
from tests.factories import PASSWORD, user_with_role

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def page():
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM work is done before.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        yield context.new_page()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.django_db(transaction=True)
def test_home_and_login_work_at_phone_width(live_server, page, tmp_path):
    user_with_role(Role.PROFESSIONAL, username="phone-user")
    page.goto(live_server.url + "/")
    assert "通知公告" in page.content()
    assert no_horizontal_scroll(page)
    page.click("summary")
    page.locator(".menu-body a", has_text="登录").click()
    page.fill("input[name=username]", "phone-user")
    page.fill("input[name=password]", PASSWORD)
    page.click("#main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    assert no_horizontal_scroll(page)
    shot = tmp_path / "phone-start-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000
