"""A failed submit on a long form (issue 23): the base's new-course form, sent as an offline
training without its place and dates. The page opens with the error summary focused and in view
(GOV.UK pattern), the title says 错误：, and each link of the summary moves focus to its field. At
375 px the screenshot for the README is kept in docs/screenshots/error-summary-phone.png."""

from pathlib import Path

import pytest
from django.conf import settings

from courses.models import Course

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)

README_SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "error-summary-phone.png"

IN_VIEW = """el => { const r = el.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth; }"""


def test_a_failed_course_form_opens_with_a_focused_summary_that_leads_to_each_field(demo, journey):
    for viewport in VIEWPORTS:
        base = journey(viewport, "i23-errors", "base")
        page = base.go("/courses/mine/new/", expect="新建课程")
        title = f"线下培训（{viewport['width']}）"
        page.fill("#id_title", title)
        page.select_option("#id_category", "public")
        page.select_option("#id_topic", index=1)
        page.fill("#id_hours", "6")
        page.select_option("#id_mode", "offline")
        page.fill("#id_year_from", "2026")
        page.fill("#id_year_to", "2026")
        # Place and dates are left empty: the service refuses, at the bottom of a long form.
        assert page.evaluate("document.documentElement.scrollHeight") > viewport["height"]
        base.click("#main form.card button[type=submit]", has_text="保存", expect="提交未成功，请修改以下问题：")
        assert not Course.objects.filter(title=title).exists()

        summary = page.locator("[data-error-summary]")
        assert page.title().startswith("错误：")
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), "the summary has focus"
        assert summary.evaluate(IN_VIEW), (viewport["width"], "the summary is on screen")
        assert page.evaluate("window.scrollY") < 400
        links = summary.locator("a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert hrefs == ["#id_place", "#id_start_date"], hrefs
        if viewport["width"] == 375:
            README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(README_SCREENSHOT))

        # Each link: focus on the field, the field on screen; the field says it is invalid.
        for href in hrefs:
            summary.locator(f'a[href="{href}"]').click()
            assert page.evaluate("document.activeElement.id") == href[1:]
            field = page.locator(href)
            assert field.evaluate(IN_VIEW), (viewport["width"], href, "the field is on screen")
            assert field.get_attribute("aria-invalid") == "true"
            described = field.get_attribute("aria-describedby")
            assert page.locator(f"#{described}").inner_text().strip() != ""
            page.evaluate("window.scrollTo(0, 0)")

        # Corrected, the course saves and the summary is gone.
        page.fill("#id_place", "济南市历下区")
        page.fill("#id_start_date", "2026-12-08")
        page.fill("#id_end_date", "2026-12-09")
        base.click("#main form.card button[type=submit]", has_text="保存", expect="课程已保存。")
        assert page.locator("[data-error-summary]").count() == 0
        assert not page.title().startswith("错误：")
        assert Course.objects.filter(title=title, place="济南市历下区").exists()


def test_a_refusal_told_only_as_a_message_takes_focus_too(demo, journey):
    """A rule of the service that no field can show (a campaign for a year that already has one)
    is told as a message at the top: it is read out (role=alert) and takes focus like the summary."""
    from selection.models import Campaign

    year = Campaign.objects.order_by("year").first().year
    for viewport in VIEWPORTS:
        association = journey(viewport, "i23-refusal", "association")
        page = association.go("/selection/manage/new/")
        page.fill("#id_year", str(year))
        association.click("#main form button[type=submit]")
        refusal = page.locator("[data-messages] .msg-error").first
        assert refusal.is_visible() and refusal.locator("[role=alert]").count() == 1
        assert page.evaluate("document.activeElement.hasAttribute('data-messages')")
        assert page.locator("[data-messages]").evaluate(IN_VIEW)
        assert Campaign.objects.filter(year=year).count() == 1
