"""The unit's and the reviewer's pages at phone width in a real browser (Debian chromium)."""

import pytest

from accounts.models import Role
from submissions import services
from tests.browser import chromium_available, no_horizontal_scroll
from tests.browser import login as browser_login
from tests.factories import PASSWORD, user_with_role

from .factories import IN_TIME, CallFactory, pdf_upload, word_upload

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def login(page, live_server, username):
    browser_login(page, live_server.url, username, PASSWORD)


def test_unit_and_reviewer_pages_fit_a_phone_without_csp_errors(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from accounts.models import Organisation
    from tests.factories import OrganisationFactory

    province = OrganisationFactory(name="山东省人力资源和社会保障厅", kind=Organisation.Kind.PROVINCIAL_BUREAU)
    department = OrganisationFactory(name="山东省卫生健康委员会", kind=Organisation.Kind.INDUSTRY_DEPARTMENT)
    OrganisationFactory(name="山东省教育厅", kind=Organisation.Kind.INDUSTRY_DEPARTMENT)
    call = CallFactory(receiver=province)
    sender = user_with_role(Role.DEPARTMENT_STAFF, department, username="phone-unit")
    user_with_role(Role.PROVINCE_STAFF, province, username="phone-reviewer")
    submission = services.send_materials(
        call=call,
        unit=department,
        user=sender,
        title="山东省卫生健康委员会2022年度继续教育材料",
        word_file=word_upload(),
        pdf_file=pdf_upload(),
        now=IN_TIME,
    )
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    login(page, live_server, "phone-unit")
    for path in ("/submissions/", f"/submissions/calls/{call.pk}/send/", f"/submissions/{submission.pk}/"):
        page.goto(live_server.url + path)
        assert no_horizontal_scroll(page), path
    page.context.clear_cookies()
    login(page, live_server, "phone-reviewer")
    for path in ("/submissions/review/", f"/submissions/{submission.pk}/", f"/submissions/review/calls/{call.pk}/"):
        page.goto(live_server.url + path)
        assert no_horizontal_scroll(page), path
    assert page.locator(".chart svg rect").count() == 5
    assert problems == []
