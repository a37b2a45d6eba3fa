"""At 375 px in a real browser: a bad PDF is named, the good Word file stays chosen, and only the
PDF is picked again before the materials go."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from submissions.models import Submission
from submissions.samples import tiny_docx, tiny_pdf
from tests.browser import chromium_available, login, no_horizontal_scroll, save_screenshot, serious_axe_violations
from tests.factories import PASSWORD, user_with_role

from .factories import CallFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_only_the_bad_file_is_picked_again_at_phone_width(live_server, page, province, department):
    call = CallFactory(receiver=province, deadline=timezone.now() + datetime.timedelta(days=10))
    user_with_role(Role.DEPARTMENT_STAFF, department, username="phone-sender")
    login(page, live_server.url, "phone-sender", PASSWORD)
    page.goto(f"{live_server.url}/submissions/calls/{call.pk}/send/")
    page.set_input_files("#id_word_file", files=[{"name": "指南.docx", "mimeType": DOCX, "buffer": tiny_docx()}])
    page.set_input_files(
        "#id_pdf_file", files=[{"name": "扫描件.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}]
    )
    page.get_by_role("button", name="报送", exact=True).click()
    page.wait_for_load_state()
    # The field's own message, and the error summary's link to the field at the top.
    assert page.locator(".errorlist", has_text="“扫描件.pdf”：文件内容不是有效的 PDF 文件").is_visible()
    assert page.locator(".error-summary a[href='#id_pdf_file']", has_text="扫描件.pdf").is_visible()
    assert page.get_by_text("已选择：指南.docx（将随本次提交保存）").is_visible()
    assert no_horizontal_scroll(page)
    assert serious_axe_violations(page) == []
    save_screenshot(page, "submission-staged-word-phone")
    assert not Submission.objects.exists()

    page.set_input_files(
        "#id_pdf_file", files=[{"name": "指南.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("x")}]
    )
    page.get_by_role("button", name="报送", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("材料已报送").first.is_visible()
    version = Submission.objects.get().current_version
    assert (version.word_name, version.pdf_name) == ("指南.docx", "指南.pdf")
