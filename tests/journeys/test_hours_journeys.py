"""Professional and employer (issue 14, Done when), against the hours pages as they stand: the
professional logs in with the ID number, reads the year's hours and what is missing, reports an
offline training with its proof, opens a compliant year's certificate and its verification page;
the professional follows the plan that fills the gap to a suggested course; the employer reads
the roster's summary, opens a person's records, filters who is not compliant, returns a report
without a reason (refused, the choice kept), approves it after the confirmation page and exports
the roster. The province and city reports' bar charts are read at both widths."""

import pytest
from django.utils import timezone

from accounts.models import User
from credits.models import HourRecord
from tests.submissions.factories import pdf_upload

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_professional_and_employer_journeys(demo, journey, tmp_path):
    person = User.objects.get(username="professional")
    year = timezone.localdate().year
    proof = tmp_path / "结业证书.pdf"
    proof.write_bytes(pdf_upload().read())

    for viewport in VIEWPORTS:
        width = viewport["width"]
        professional = journey(viewport, "professional")
        professional.login(person.id_number)
        page = professional.go("/hours/", expect="还差多少")
        assert "学时" in page.inner_text("#main")
        # Fill the gap: the plan lists courses with their hours, each opening the course.
        professional.click("a", has_text="查看补足学时的学习计划", expect="补足学时的学习计划")
        plan = page.locator("section.plan")
        assert plan.locator("a[href^='/courses/']").count() >= 1
        assert "学时" in plan.locator(".plan-list li").first.inner_text()
        suggestion = plan.locator(".plan-list a[href^='/courses/']").first
        course_title = suggestion.inner_text().strip()
        suggestion.click()
        professional.check("course", expect=course_title)
        page.go_back()

        professional.click("a", has_text="申报线下培训或其他学时", expect="证明材料")
        title = f"卫生应急能力提升培训班（{width}）"
        page.fill("input[name=title]", title)
        page.select_option("select[name=category]", "professional")
        page.fill("input[name=hours]", "8")
        page.fill("input[name=completed_on]", f"{year}-06-30")
        page.set_input_files("input[name=proof]", str(proof))
        professional.click("#main form button[type=submit]", expect=title)
        record = HourRecord.objects.get(professional=person, title=title)
        assert record.status == HourRecord.Status.PENDING

        # A past compliant year: its certificate and the public verification page it links to.
        professional.go(f"/hours/?year={year - 1}", expect="本年度学时已达标。")
        page.locator("button", has_text="开具学时证明").click()
        professional.check("certificate", expect="验证网址")
        verify = page.locator("dt:has-text('验证网址') + dd").inner_text().strip()
        path = "/hours/verify/" + verify.split("/hours/verify/", 1)[1]
        journey(viewport, "verify").go(path, expect=person.display_name[:1])

        employer = journey(viewport, "employer", "employer")
        employer.go("/hours/roster/", expect="职工学时达标情况")
        page = employer.page
        summary = page.locator("section.roster-summary")
        assert "达标率" in summary.inner_text() and summary.locator("svg[role=img]").is_visible()
        # A name opens the person's records (for 职称 files).
        employer.click("table.data tbody a[href*='/hours/people/']", expect="全部学时记录")
        assert "*" in page.locator("dl.kv").first.inner_text()  # the ID number is masked
        employer.go("/hours/roster/", expect="达标概况")
        page.select_option("select[name=compliant]", "0")
        employer.click(".filters button[type=submit]", expect="未达标")
        assert "已达标" not in page.locator("table.data tbody").inner_text()
        export = employer.download("a", has_text="导出Excel")
        assert export.suggested_filename.endswith(".xlsx")

        employer.go("/hours/approvals/", expect=title)
        row = page.locator("table.data tbody tr", has_text=title).last
        # 退回修改 without a reason: the error, and the choice is still 退回修改.
        row.locator("input[value=reject]").check()
        row.locator("button", has_text="提交审核意见").click()
        employer.check("return-without-reason", expect="退回修改时请填写理由")
        assert page.locator("input[value=reject]").is_checked()
        assert not page.locator("input[value=approve]").is_checked()
        employer.go("/hours/approvals/", expect=title)
        row = page.locator("table.data tbody tr", has_text=title).last
        row.locator("input[value=approve]").check()
        row.locator("button", has_text="提交审核意见").click()
        employer.check("confirm", expect="不能撤销")
        record.refresh_from_db()
        assert record.status == HourRecord.Status.PENDING
        employer.click("button", has_text="确认通过", expect="已通过")
        record.refresh_from_db()
        assert record.status == HourRecord.Status.APPROVED


def test_certificate_fits_a_phone(demo, journey):
    year = timezone.localdate().year - 1
    professional = journey(VIEWPORTS[0], "certificate", "professional")
    professional.go(f"/hours/?year={year}", expect="本年度学时已达标。")
    professional.click("button", has_text="开具学时证明", expect="验证网址")
    page = professional.page
    qr = page.locator(".certificate-qr svg.qr")
    assert qr.is_visible() and qr.get_attribute("aria-label") == "扫码核验本证明"
    code = page.locator(".certificate strong").first.inner_text()
    professional.go(f"/hours/verify/{code}/", expect="证明有效")


def test_report_charts_read_at_both_widths(demo, journey):
    for viewport in VIEWPORTS:
        province = journey(viewport, "province-report", "province")
        page = province.go("/hours/province/", expect="达标情况明细表")
        bars = page.locator(".hbars li")
        assert bars.count() == 16
        smallest = page.evaluate(
            "() => Math.min(...[...document.querySelectorAll('.hbar-label')].map("
            "e => parseFloat(getComputedStyle(e).fontSize)))"
        )
        assert smallest >= 12, smallest
        assert "无人员" in page.inner_text(".hbars") and "0.0%" not in page.inner_text(".hbars")
        province.click("table.data tbody a", expect="各用人单位学时达标情况")
        assert page.locator(".hbars li").count() >= 1
