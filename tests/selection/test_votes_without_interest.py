"""Votes without interest (issue 21 point 9): a course's teachers, the staff of its recommending
unit and the experts who scored it cannot vote for it, on the page and the API (422 with a code)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from selection import services
from selection.models import Campaign, Phase, Vote
from tests.factories import MembershipFactory, OrganisationFactory, user_with_role

from .factories import TeacherFactory, expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def _vote_api(user, campaign, rec):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/v1/selection/campaigns/{campaign.pk}/votes/", {"recommendation": rec.pk}, format="json")


@pytest.fixture
def campaign():
    return open_campaign(phase=Phase.VOTING)


def test_a_teacher_of_the_course_cannot_vote_for_it_but_for_another_course(campaign):
    rec, other = submitted_recommendation(campaign), submitted_recommendation(campaign)
    person = user_with_role(Role.PROFESSIONAL)
    rec.course.teachers.add(TeacherFactory(name="张老师", user=person))
    response = _vote_api(person, campaign, rec)
    assert response.status_code == 422
    assert response.json()["code"] == "voter_teaches_course" and "授课教师" in response.json()["detail"]
    assert _vote_api(person, campaign, other).status_code == 201
    assert list(Vote.objects.values_list("recommendation_id", flat=True)) == [other.pk]


def test_a_teacher_row_without_a_confirmed_account_does_not_block_anyone(campaign):
    rec = submitted_recommendation(campaign)
    rec.course.teachers.add(TeacherFactory(name="李老师"))
    assert _vote_api(user_with_role(Role.PROFESSIONAL), campaign, rec).status_code == 201


def test_staff_of_the_recommending_unit_are_refused_on_the_page_with_a_chinese_message(client, campaign):
    rec = submitted_recommendation(campaign)
    staff = user_with_role(Role.PROFESSIONAL, rec.organisation)
    client.force_login(staff)
    response = client.post(reverse("selection:vote_cast", args=[campaign.year, rec.pk]), follow=True)
    assert "您是该课程推荐单位的工作人员，不能为该课程投票" in response.content.decode()
    assert not Vote.objects.exists()
    api = _vote_api(staff, campaign, rec)
    assert api.status_code == 422 and api.json()["code"] == "voter_works_for_recommender"


def test_the_units_administrator_who_votes_as_a_professional_elsewhere_is_staff_too(campaign):
    rec = submitted_recommendation(campaign)
    admin = user_with_role(Role.PROFESSIONAL)
    MembershipFactory(user=admin, organisation=rec.organisation, role=Role.BASE_ADMIN)
    assert _vote_api(admin, campaign, rec).json()["code"] == "voter_works_for_recommender"


def test_former_staff_of_the_unit_may_vote(campaign):
    rec = submitted_recommendation(campaign)
    former = user_with_role(Role.PROFESSIONAL)
    MembershipFactory(user=former, organisation=rec.organisation, role=Role.BASE_ADMIN, is_active=False)
    assert _vote_api(former, campaign, rec).status_code == 201


def test_an_expert_who_scored_the_course_cannot_vote_for_it_but_for_one_they_did_not_score():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec, other = submitted_recommendation(campaign), submitted_recommendation(campaign)
    reviewer = expert()
    MembershipFactory(user=reviewer, organisation=OrganisationFactory(), role=Role.PROFESSIONAL)
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    services.submit_score(assignment=assignment, expert=reviewer, criteria=full_marks(campaign))
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.VOTING)
    campaign.refresh_from_db()
    response = _vote_api(reviewer, campaign, rec)
    assert response.status_code == 422 and response.json()["code"] == "voter_scored_course"
    assert "评审专家" in response.json()["detail"]
    assert _vote_api(reviewer, campaign, other).status_code == 201


def test_an_expert_of_another_campaign_or_course_and_any_other_professional_vote_normally(campaign):
    rec = submitted_recommendation(campaign)
    elsewhere = submitted_recommendation(open_campaign(year=2023, phase=Phase.REVIEW))
    reviewer = expert()
    MembershipFactory(user=reviewer, organisation=OrganisationFactory(), role=Role.PROFESSIONAL)
    a = services.assign_expert(recommendation=elsewhere, expert=reviewer)
    services.submit_score(assignment=a, expert=reviewer, criteria=full_marks(elsewhere.campaign))
    assert _vote_api(reviewer, campaign, rec).status_code == 201
    assert _vote_api(user_with_role(Role.PROFESSIONAL), campaign, rec).status_code == 201
    assert Vote.objects.filter(recommendation=rec).count() == 2


def test_the_vote_page_marks_the_courses_the_voter_may_not_vote_for(client, campaign):
    mine, other = submitted_recommendation(campaign), submitted_recommendation(campaign)
    person = user_with_role(Role.PROFESSIONAL)
    mine.course.teachers.add(TeacherFactory(name="张老师", user=person))
    client.force_login(person)
    page = client.get(reverse("selection:vote")).content.decode()
    assert page.count("利益相关，不能投票") == 1
    assert reverse("selection:vote_cast", args=[campaign.year, mine.pk]) not in page
    assert reverse("selection:vote_cast", args=[campaign.year, other.pk]) in page
