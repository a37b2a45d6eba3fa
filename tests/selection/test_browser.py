"""The evaluation's new pages in a real browser at phone width (375 px): the score sheet adds the
points as the expert types, and the phase confirmation page fits the screen."""

import pytest

from accounts.models import Role
from courses import services as course_services
from selection import services
from selection.models import Phase
from tests.browser import chromium_available, no_horizontal_scroll, serious_axe_violations
from tests.browser import login as browser_login
from tests.factories import PASSWORD, OrganisationFactory, user_with_role

from .factories import expert, open_campaign, submitted_recommendation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]


def _login(page, live_server, username):
    browser_login(page, live_server.url, username, PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_score_sheet_shows_the_sum_of_points_as_the_expert_types(live_server, page):
    campaign = open_campaign(phase=Phase.REVIEW)
    reviewer = expert(username="score-expert")
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=reviewer)
    services.declare_review_principles(campaign=campaign, expert=reviewer)
    _login(page, live_server, "score-expert")
    page.goto(f"{live_server.url}/selection/expert/assignments/{assignment.pk}/")
    total = page.locator("[data-score-total]")
    assert total.inner_text() == "0"
    page.fill("input[name=c_originality]", "18")
    page.fill("input[name=c_relevance]", "17.5")
    assert total.inner_text() == "35.5"
    assert no_horizontal_scroll(page)
    assert serious_axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_the_declaration_page_fits_a_phone(live_server, page):
    campaign = open_campaign(phase=Phase.REVIEW)
    expert(username="declaring-expert")
    _login(page, live_server, "declaring-expert")
    page.goto(f"{live_server.url}/selection/expert/{campaign.year}/declaration/")
    page.check("input[name=confirm]")
    page.click("#main form button[type=submit]")
    assert "已确认评审专家声明" in page.content()
    page.goto(f"{live_server.url}/selection/expert/{campaign.year}/declaration/")
    assert no_horizontal_scroll(page)
    assert serious_axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_phase_confirmation_page_fits_a_phone(live_server, page):
    campaign = open_campaign(phase=Phase.VOTING)
    submitted_recommendation(campaign)
    user_with_role(Role.ASSOCIATION_ADMIN, username="phase-admin")
    _login(page, live_server, "phase-admin")
    page.goto(f"{live_server.url}/selection/manage/{campaign.year}/phase/objection/")
    assert page.locator("textarea[name=reason]").is_visible()
    assert no_horizontal_scroll(page)
    assert serious_axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_my_teaching_page_fits_a_phone_and_confirms(live_server, page):
    person = user_with_role(Role.PROFESSIONAL, username="teacher-person", name="王老师")
    base = OrganisationFactory(national_base=True, name="一个名字相当长的国家级专业技术人员继续教育基地（测试）")
    teacher = course_services.save_teacher(
        actor=user_with_role(Role.BASE_ADMIN, base), organisation=base, name="王老师", id_number=person.id_number
    )
    _login(page, live_server, "teacher-person")
    page.goto(f"{live_server.url}/courses/my-teaching/")
    assert no_horizontal_scroll(page)
    assert serious_axe_violations(page) == []
    page.click("button[value=confirm]")
    page.wait_for_load_state()
    teacher.refresh_from_db()
    assert teacher.user == person
