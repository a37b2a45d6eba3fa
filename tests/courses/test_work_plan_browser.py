"""The work-plan pages with their offline trainings at phone width (Debian chromium via Playwright)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from courses import services
from tests.browser import chromium_available, no_horizontal_scroll
from tests.browser import login as browser_login
from tests.factories import PASSWORD, OrganisationFactory, user_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def login(page, live_server, username):
    browser_login(page, live_server.url, username, PASSWORD)


def test_work_plan_pages_with_trainings_fit_a_phone(live_server, page):
    department = OrganisationFactory(department=True, name="手机测试主管部门")
    base = OrganisationFactory(provincial_base=True, name="手机测试基地", parent=department)
    admin = user_with_role(Role.BASE_ADMIN, base, username="phone-base")
    user_with_role(Role.DEPARTMENT_STAFF, department, username="phone-manager")
    trainings = [
        {"title": "一个名称相当长的专业科目线下研修班用于检查窄屏换行", "hours": "24", "category": "professional"}
    ]
    plan = services.submit_work_plan(actor=admin, base=base, year=2023, title="", content="计划", trainings=trainings)
    login(page, live_server, "phone-base")
    page.goto(live_server.url + reverse("courses:work_plans"))
    assert "专业科目线下研修班" in page.content() and no_horizontal_scroll(page)
    page.context.clear_cookies()
    login(page, live_server, "phone-manager")
    page.goto(live_server.url + reverse("courses:plan_decide", args=[plan.pk]))
    assert "登记即生效" in page.content() and no_horizontal_scroll(page)
