"""Professional (issue 23), by clicking at 375 and 1280 px: the returned self-report is found on
我的学时 with the employer's reason, corrected and sent again as a new version, and both versions
show with their decisions; the employer sees the new version pending with the earlier ones and
returns it, so the next width corrects that one. Then 下载学时证明 lists the years: what is missing
for 2026, and a compliant year's certificate is issued and downloaded."""

import pytest
from django.utils import timezone

from accounts.models import User
from credits.models import HourRecord, HoursCertificate
from portal.celery import app
from tests.submissions.factories import pdf_upload

from .conftest import PHONE, VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_REASON = "培训实际为1天"


@pytest.fixture(autouse=True)
def _document_jobs_run_in_process():
    """The certificate's Word file is made by a job: with a broker configured (CI) and no worker in
    this test, it runs in the test's process, as in tests/documents (the worker path has its own
    tests there); without a broker it runs in a background thread as on a bare machine."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def open_menu_item(visit, label: str):
    """The role's menu, as a phone shows it (the drawer) or a desktop (the top bar's drop-down)."""
    page = visit.page
    if visit.width == PHONE["width"]:
        page.locator("#site-menu summary").click()
        return visit.click("#site-menu .menu-body a", has_text=label)
    page.locator(".topbar-drop summary", has_text="专业技术人员").click()
    return visit.click(".topbar-panel a", has_text=label)


def test_professional_corrects_a_returned_report_and_downloads_a_certificate(demo, journey, tmp_path):
    person = User.objects.get(username="professional")
    year = timezone.localdate().year
    returned = HourRecord.objects.get(professional=person, status="rejected", title__contains="青岛")
    proof = tmp_path / "结业证书.pdf"
    proof.write_bytes(pdf_upload().read())

    for n, viewport in enumerate(VIEWPORTS):
        version = n + 2
        professional = journey(viewport, f"i23-professional-{n}", "professional")
        page = professional.go(f"/hours/?year={year}", expect="退回理由")
        row = page.locator("table.data tbody tr", has_text="修改后重新提交").first
        professional.click("table.data tbody a", has_text="修改后重新提交", expect=FIRST_REASON)
        assert page.locator("input[name=title]").input_value().startswith("2026年全省公需科目线下专题培训")
        page.fill("input[name=hours]", "8")
        page.fill("input[name=title]", f"2026年全省公需科目线下专题培训（青岛，更正{version}）")
        page.set_input_files("input[name=proof]", str(proof))
        professional.click("#self-report-form button[type=submit]", expect=f"第{version}版")
        history = page.inner_text(".version-list")
        assert "第1版" in history and FIRST_REASON in history and "待审核" in history
        assert "年" in history and "月" in history  # moments in 2026年12月8日 08:00:00 form
        new = HourRecord.objects.get(professional=person, version=version)
        assert new.status == HourRecord.Status.PENDING
        returned.refresh_from_db()
        assert returned.status == HourRecord.Status.REJECTED  # the returned version stays as it was
        del row

        # The employer: the new version pending, the earlier ones with their reasons; returned again.
        employer = journey(viewport, f"i23-employer-{n}", "employer")
        page_e = employer.go("/hours/approvals/", expect=f"第{version}版")
        card = page_e.locator("table.data tbody tr", has_text=f"更正{version}")
        card.locator("details summary").click()
        assert FIRST_REASON in card.inner_text()
        employer.check("queue-history", expect=FIRST_REASON)
        card.locator("input[value=reject]").check()
        card.locator("textarea").fill(f"第{version}版：请补充培训主办方盖章。")
        card.locator("button", has_text="提交审核意见").click()
        employer.check("returned-again", expect="已退回")
        new.refresh_from_db()
        assert new.status == HourRecord.Status.REJECTED

        # 下载学时证明: the years, what 2026 still needs, a compliant year's certificate.
        page = open_menu_item(professional, "下载学时证明")
        current = page.locator(f"#year-{year}")
        assert "还差 12 学时公需课" in current.inner_text()
        compliant = year - 1 - n
        card = page.locator(f"#year-{compliant}")
        assert "已达标" in card.inner_text()
        before = HoursCertificate.objects.filter(professional=person).count()
        professional.click(f"#year-{compliant} button", has_text="开具", expect="验证网址")
        assert HoursCertificate.objects.filter(professional=person, year=compliant).count() == 1
        assert HoursCertificate.objects.filter(professional=person).count() == before + 1
        professional.click("button", has_text="下载Word版", expect="学时证明")
        # The job page polls every 2 s until the file is ready.
        page.locator("[data-job-status] a.button", has_text="下载").wait_for(timeout=60_000)
        professional.check("certificate-ready", expect="下载")
        download = professional.download("[data-job-status] a.button", has_text="下载")
        assert download.suggested_filename.endswith(".docx")
        # Back on the list, the issued year opens its certificate instead of issuing another.
        page = open_menu_item(professional, "下载学时证明")
        assert page.locator(f"#year-{compliant} a", has_text="查看和下载").is_visible()
