"""At phone width in a real browser: starting a PDF shows its progress page at once, the start
buttons are disabled while it runs, and the page follows the job until the download is there."""

import re

import pytest

from accounts.models import Role
from tests.browser import chromium_available, login, no_horizontal_scroll, save_screenshot, serious_axe_violations
from tests.factories import PASSWORD, user_with_role

from .factories import PlatformFactory
from .helpers import needs_libreoffice

pytestmark = [
    pytest.mark.browser,
    pytest.mark.libreoffice,
    needs_libreoffice,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def test_pdf_progress_page_comes_at_once_and_the_button_waits_for_the_job(
    live_server,
    page,
    gated_soffice,
    background_threads,
):
    unit = PlatformFactory().owner
    user_with_role(Role.BASE_ADMIN, unit, username="jobs-admin")
    login(page, live_server.url, "jobs-admin", PASSWORD)
    page.goto(live_server.url + "/documents/?year=2022")
    row = page.locator("tr", has_text="附件2 学习平台信息统计表")
    # The click disables the form's buttons before the request leaves (a second click sends nothing).
    disabled = row.locator("form").evaluate(
        """form => {
            form.requestSubmit(form.querySelector('button[value=pdf]'));
            return new Promise(done => setTimeout(() => done({
                buttons: [...form.querySelectorAll('button')].map(b => b.disabled),
                format: form.querySelector('input[type=hidden][name=format]')?.value,
            }), 20));
        }"""
    )
    assert disabled == {"buttons": [True, True], "format": "pdf"}
    page.wait_for_url(re.compile(r"/documents/jobs/\d+/$"))
    # LibreOffice is still waiting at the gate: the page came before the job ended.
    assert page.get_by_text("正在生成，本页每2秒自动刷新").is_visible()
    assert no_horizontal_scroll(page)
    assert serious_axe_violations(page) == []
    save_screenshot(page, "documents-job-running-phone")
    job_url = page.url

    page.goto(live_server.url + "/documents/?year=2022")
    running = page.locator("tr", has_text="附件2 学习平台信息统计表").get_by_role("button", name="正在生成…")
    assert running.is_disabled()
    assert serious_axe_violations(page) == []

    page.goto(job_url)
    gated_soffice.touch()
    # No reload by the test: the page follows the job by itself (portal.js) until it is done.
    page.get_by_text("已完成").first.wait_for(timeout=90_000)
    assert page.get_by_role("link", name=re.compile("下载")).first.is_visible()
    assert no_horizontal_scroll(page)
    save_screenshot(page, "documents-job-done-phone")
