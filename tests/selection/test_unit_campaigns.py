"""The recommending unit's page shows every campaign open for recommendations, whatever its
year: next year's campaign, created in December, receives recommendations (issue 23)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from selection import selectors, services
from selection.models import Campaign, Phase, Recommendation
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, PlatformFactory, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db

# 2026-12-15 10:00 in Beijing: the association has created the 2027 campaign.
DECEMBER = datetime.datetime(2026, 12, 15, 2, 0, tzinfo=datetime.UTC)


def form_data(course) -> dict:
    return {
        "course": course.pk,
        "intro": "本课程讲授专业技术人员职业道德。",
        "teacher_intro": "主讲教师：张教授",
        "is_original": "on",
        "copyright": "own",
        "learner_count": "3500",
        "rating": "4.7",
        "study_url": "https://a.example.cn/c",
        "test_account": "t",
    }


@pytest.fixture
def in_december(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: DECEMBER)
    return DECEMBER


@pytest.fixture
def unit_course():
    return CourseFactory(year_from=2026, year_to=2027)


@pytest.fixture
def unit_admin(unit_course):
    return user_with_role(Role.BASE_ADMIN, unit_course.platform.owner)


def test_next_years_campaign_created_in_december_is_open_for_recommendations(
    client, in_december, unit_admin, unit_course
):
    this_year = open_campaign(year=2026, phase=Phase.VOTING)
    next_year = services.create_campaign(year=2027)
    assert next_year.is_recommendation_open and not this_year.is_recommendation_open
    assert selectors.campaigns_for_recommending_unit() == [next_year, this_year]

    client.force_login(unit_admin)
    page = client.get(reverse("selection:unit")).content.decode()
    assert "2027年度优质在线公需课评选" in page and "2026年度优质在线公需课评选" in page
    assert page.index("2027年度") < page.index("2026年度")  # the open campaign first
    assert "2027年4月30日 23:59:59" in page
    assert reverse("selection:unit_new", args=[2027]) in page
    assert reverse("selection:unit_new", args=[2026]) not in page

    response = client.post(reverse("selection:unit_new", args=[2027]), form_data(unit_course))
    rec = Recommendation.objects.get()
    assert response.status_code == 302 and rec.campaign == next_year and rec.course == unit_course
    page = client.get(reverse("selection:unit")).content.decode()
    section = page[page.index('id="campaign-2027"') : page.index('id="campaign-2026"')]
    assert unit_course.title in section


def test_every_open_campaign_is_shown_with_its_own_dates(client, unit_admin):
    year = timezone.localdate().year
    soon = open_campaign(year=year + 1, recommendation_deadline=timezone.now() + datetime.timedelta(days=3))
    later = services.create_campaign(year=year + 2)
    client.force_login(unit_admin)
    page = client.get(reverse("selection:unit")).content.decode()
    for campaign in (soon, later):
        assert campaign.title in page
        assert reverse("selection:unit_new", args=[campaign.year]) in page
    assert f"{year + 2}年4月30日 23:59:59" in page


@pytest.mark.parametrize("closed", ["phase", "deadline"])
def test_recommending_to_a_closed_campaign_is_refused_with_a_chinese_message(client, unit_admin, unit_course, closed):
    year = timezone.localdate().year + 1
    if closed == "phase":
        campaign = open_campaign(year=year, phase=Phase.REVIEW)
    else:
        campaign = open_campaign(year=year, recommendation_deadline=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(unit_admin)
    url = reverse("selection:unit_new", args=[year])
    response = client.post(url, form_data(unit_course), follow=True)
    assert response.redirect_chain[-1][0] == reverse("selection:unit")
    assert f"{campaign.title}推荐已截止" in response.content.decode()
    assert not Recommendation.objects.exists()
    response = client.get(url, follow=True)
    assert "推荐已截止" in response.content.decode()
    assert url not in response.content.decode()


def test_a_campaign_that_does_not_exist_is_not_found(client, unit_admin):
    client.force_login(unit_admin)
    assert client.get(reverse("selection:unit_new", args=[2099])).status_code == 404


def test_the_form_is_for_recommending_units_only(client, role_users):
    campaign = services.create_campaign(year=timezone.localdate().year + 1)
    url = reverse("selection:unit_new", args=[campaign.year])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for role, user in role_users.items():
        client.force_login(user)
        expected = 200 if role in (Role.BASE_ADMIN, Role.CITY_STAFF) else 403
        assert client.get(url).status_code == expected, role
    course = CourseFactory(year_from=2020, year_to=2100)
    client.force_login(role_users[Role.PROFESSIONAL])
    assert client.post(url, form_data(course)).status_code == 403
    assert not Recommendation.objects.exists()


def test_a_unit_cannot_recommend_another_units_course(client, unit_admin):
    campaign = services.create_campaign(year=timezone.localdate().year + 1)
    others = CourseFactory(year_from=2020, year_to=2100)
    client.force_login(unit_admin)
    response = client.post(reverse("selection:unit_new", args=[campaign.year]), form_data(others))
    assert response.status_code == 200
    assert not Recommendation.objects.exists()


def test_another_units_recommendations_are_not_shown(client, unit_admin, unit_course):
    campaign = open_campaign(year=timezone.localdate().year + 1)
    other_course = CourseFactory(title="他单位推荐的课程", year_from=2020, year_to=2100)
    submitted_recommendation(campaign, course=other_course)
    own = submitted_recommendation(campaign, course=unit_course)
    client.force_login(unit_admin)
    page = client.get(reverse("selection:unit")).content.decode()
    assert unit_course.title in page and reverse("selection:unit_detail", args=[own.pk]) in page
    assert "他单位推荐的课程" not in page
    # The same role at another unit sees its own only.
    other_admin = user_with_role(Role.BASE_ADMIN, other_course.platform.owner)
    client.force_login(other_admin)
    page = client.get(reverse("selection:unit")).content.decode()
    assert "他单位推荐的课程" in page and unit_course.title not in page


def test_a_unit_without_a_platform_is_told_why_and_offered_no_form(client):
    services.create_campaign(year=timezone.localdate().year + 1)
    bureau = OrganisationFactory(city_bureau=True)
    client.force_login(user_with_role(Role.CITY_STAFF, bureau))
    page = client.get(reverse("selection:unit")).content.decode()
    assert "本单位未建继续教育学习平台，不能推荐课程。" in page
    assert "/new/" not in page
    PlatformFactory(owner=bureau)
    page = client.get(reverse("selection:unit")).content.decode()
    assert "/new/" in page


@pytest.mark.parametrize("n", [1, 4])
def test_the_unit_page_reads_the_same_queries_for_one_campaign_or_several(client, unit_admin, unit_course, n):
    year = timezone.localdate().year
    for i in range(n):
        campaign = open_campaign(year=year + 1 + i)
        submitted_recommendation(campaign, course=unit_course)
    client.force_login(unit_admin)
    client.get(reverse("selection:unit"))
    # Expect 8 queries: the session, the user, the user's roles, the unit, the campaigns open for
    # recommendations or of this year, whether the unit has an active platform, its
    # recommendations to those campaigns (with course and pledge), the years of its selected courses.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "selection_campaign",
        "courses_learningplatform",
        "selection_recommendation",
        "selection_campaign",
    ):
        response = client.get(reverse("selection:unit"))
    assert len(response.context["campaigns"]) == n
    assert Campaign.objects.count() == n
