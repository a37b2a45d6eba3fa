"""The hour pages in a real browser at phone width (Debian chromium via Playwright)."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from courses.models import Category
from tests.browser import chromium_available, no_horizontal_scroll
from tests.browser import login as browser_login
from tests.factories import PASSWORD, OrganisationFactory, user_with_role

from .factories import ConversionRuleFactory, YearPolicyFactory, approved_record, proof_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def login(page, live_server, username):
    browser_login(page, live_server.url, username, PASSWORD)


def test_professional_pages_fit_a_phone_and_the_computed_hours_show(live_server, page):
    policy = YearPolicyFactory(year=2022)
    ConversionRuleFactory(policy=policy, name="发表论文", unit="篇", hours_per_unit=Decimal("10.0"))
    employer = OrganisationFactory(name="手机测试医院")
    person = user_with_role(Role.PROFESSIONAL, employer, username="phone-pro")
    approved_record(
        person, hours="12.5", category=Category.PUBLIC, title="一个相当长的课程名称用于检查窄屏下的表格换行情况"
    )
    login(page, live_server, "phone-pro")
    assert "/hours/" in page.url  # the professional's start page
    page.goto(live_server.url + "/hours/?year=2022")
    assert "12.5 / 30" in page.content()
    assert no_horizontal_scroll(page)
    page.goto(live_server.url + "/hours/report/?year=2022")
    page.select_option("select[name=conversion_rule]", label="发表论文（每篇 10 学时）")
    page.fill("input[name=quantity]", "2")
    assert page.text_content("#computed-hours") == "20"
    assert no_horizontal_scroll(page)


def test_employer_roster_and_city_report_fit_a_phone(live_server, page):
    YearPolicyFactory(year=2022)
    employer = OrganisationFactory(name="手机测试单位", city="jinan")
    for i in range(3):
        approved_record(user_with_role(Role.PROFESSIONAL, employer), hours=str(10 * (i + 1)))
    user_with_role(Role.EMPLOYER_ADMIN, employer, username="phone-boss")
    user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"), username="phone-city")
    login(page, live_server, "phone-boss")
    page.goto(live_server.url + "/hours/roster/?year=2022")
    assert "手机测试单位" in page.content() and no_horizontal_scroll(page)
    page.context.clear_cookies()
    login(page, live_server, "phone-city")
    page.goto(live_server.url + "/hours/city/?year=2022")
    assert page.locator("figure.chart svg").count() == 1 and no_horizontal_scroll(page)


def test_requirements_queue_and_roster_with_requirements_fit_a_phone(live_server, page):
    from credits import services
    from credits.models import Requirement

    from .factories import CourseFactory, professional_of

    YearPolicyFactory(year=2022)
    department = OrganisationFactory(department=True, name="手机测试卫健委", sector="health")
    employer = OrganisationFactory(name="手机要求医院", city="jinan", sector="health")
    staff = user_with_role(Role.DEPARTMENT_STAFF, department, username="phone-dept")
    course = CourseFactory(title="一门名称相当长的必修课程用于检查窄屏下专门要求的换行情况")
    services.set_requirement(
        actor=staff,
        organisation=department,
        year=2022,
        kind=Requirement.Kind.COURSE,
        course_id=course.pk,
        employers=[employer],
    )
    person = professional_of(employer)
    services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="省级学术会议",
        completed_on=datetime.date(2022, 6, 1),
        category=Category.PROFESSIONAL,
        hours="8",
    )
    user_with_role(Role.EMPLOYER_ADMIN, employer, username="phone-boss2")
    login(page, live_server, "phone-dept")
    page.goto(live_server.url + "/hours/requirements/")
    assert "必修课程" in page.content() and no_horizontal_scroll(page)
    page.context.clear_cookies()
    login(page, live_server, "phone-boss2")
    page.goto(live_server.url + "/hours/roster/?year=2022")
    assert "专门要求" in page.content() and no_horizontal_scroll(page)
    page.goto(live_server.url + "/hours/approvals/")
    assert "省级学术会议" in page.content() and no_horizontal_scroll(page)
