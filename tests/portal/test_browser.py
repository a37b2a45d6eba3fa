"""The portal in a real browser (Debian's chromium driven by Playwright), at phone width."""

import pytest

from accounts.models import Role
from tests.browser import (
    DESKTOP,
    PHONE,
    chromium_available,
    no_horizontal_scroll,
    save_screenshot,
    serious_axe_violations,
)
from tests.browser import login as browser_login
from tests.credits.factories import YearPolicyFactory
from tests.factories import PASSWORD, MembershipFactory, user_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_home_and_login_work_at_phone_width(live_server, page):
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
    assert save_screenshot(page, "phone-start-page").stat().st_size > 1000


def _login(page, live_server, username):
    browser_login(page, live_server.url, username, PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_phone_menu_opens_on_screen_and_every_link_works(live_server, page):
    professional = user_with_role(Role.PROFESSIONAL, username="menu-user")
    employer = professional.memberships.get().organisation
    MembershipFactory(user=professional, organisation=employer, role=Role.EMPLOYER_ADMIN)
    _login(page, live_server, "menu-user")
    page.goto(live_server.url + "/")
    assert not page.locator(".topbar").is_visible()
    page.click("#site-menu summary")
    links = page.locator(".menu-body a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) > 8
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, hrefs[i]
    for href in hrefs:
        page.goto(live_server.url + "/")
        page.click("#site-menu summary")
        with page.expect_navigation() as navigation:
            page.locator(f'.menu-body a[href="{href}"]').first.click()
        assert navigation.value.status == 200, href
        assert no_horizontal_scroll(page), href
        if page.url == live_server.url + href:  # not redirected (the dashboard, a page needing a policy)
            assert page.locator(f'.menu-body a[href="{href}"][aria-current="page"]').count() >= 1, href


@pytest.mark.django_db(transaction=True)
def test_desktop_shows_a_top_bar_with_the_roles_menus(live_server, page):
    user_with_role(Role.EMPLOYER_ADMIN, username="desk-user")
    page.set_viewport_size({"width": 1280, "height": 800})
    _login(page, live_server, "desk-user")
    page.goto(live_server.url + "/hours/roster/")
    assert page.locator(".topbar").is_visible()
    assert not page.locator("#site-menu").is_visible()
    drop = page.locator(".topbar-drop", has_text="用人单位管理员")
    drop.locator("summary").click()
    queue = drop.locator("a", has_text="学时审核")
    assert queue.is_visible()
    queue.click()
    page.wait_for_load_state()
    assert page.url.endswith("/hours/queue/") or "/hours/" in page.url


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_login_and_profile_have_no_serious_accessibility_violation(live_server, page, viewport):
    user_with_role(Role.PROFESSIONAL, username="axe-user")
    page.set_viewport_size(viewport)
    for path in ("/", "/accounts/login/"):
        page.goto(live_server.url + path)
        assert serious_axe_violations(page) == [], path
    _login(page, live_server, "axe-user")
    for path in ("/", "/accounts/profile/"):
        page.goto(live_server.url + path)
        assert serious_axe_violations(page) == [], path
        assert no_horizontal_scroll(page), path
    save_screenshot(page, f"home-logged-in-{viewport['width']}")


@pytest.mark.django_db(transaction=True)
def test_data_tables_read_as_cards_on_phones_with_status_on_screen(live_server, page):
    YearPolicyFactory(year=2022)  # transactional tests before this one may have flushed the migrated policy
    admin = user_with_role(Role.EMPLOYER_ADMIN, username="cards-user")
    user_with_role(Role.PROFESSIONAL, admin.memberships.get().organisation, name="卡片测试人")
    _login(page, live_server, "cards-user")
    page.goto(live_server.url + "/hours/roster/?year=2022")
    table = page.locator("table.data").first
    assert "as-cards" in table.get_attribute("class")
    status = table.locator('tbody td[data-label="状态"]').first
    box = status.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert no_horizontal_scroll(page)
    assert serious_axe_violations(page) == []
    page.set_viewport_size(DESKTOP)
    assert table.locator("thead").is_visible()  # a real table again on desktop
