"""Who sees what: the experts' test password, vote counts before voting closes, unpublished
results; who may vote; publication's consequences happen once."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from credits.models import HourRecord
from selection import services
from selection.exceptions import AlreadyDone, RuleBroken
from selection.models import Campaign, ExcellentTeacherCertificate, Phase, Recommendation, Score, TeacherPoolEntry, Vote
from tests.credits.factories import YearPolicyFactory
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, TeacherFactory, expert, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass"


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_test_password_shown_only_to_the_assigned_expert_and_association_admins(client, role_users):
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    assigned = expert()
    assignment = services.assign_expert(recommendation=rec, expert=assigned)
    # The role users' expert is another expert, not assigned to this course.
    services.assign_expert(recommendation=submitted_recommendation(campaign), expert=role_users[Role.EXPERT])
    unit_staff = user_with_role(Role.BASE_ADMIN, rec.organisation)
    detail = reverse("selection:recommendation", args=[rec.pk])
    scoring = reverse("selection:expert_assignment", args=[assignment.pk])

    anonymous = client.get(detail)
    assert anonymous.status_code == 302 and PASSWORD not in anonymous.content.decode()
    for user, shown in [(assigned, True), *((role_users[role], role == Role.ASSOCIATION_ADMIN) for role in Role)]:
        client.force_login(user)
        for url in (detail, scoring):
            response = client.get(url)
            assert (PASSWORD in response.content.decode()) is (shown and response.status_code == 200), (user, url)
        assert (client.get(detail).status_code == 200) is shown
    # The recommending unit's own staff see the recommendation but not the stored password.
    client.force_login(unit_staff)
    for url in (detail, reverse("selection:unit_detail", args=[rec.pk])):
        response = client.get(url)
        assert response.status_code == 200 and PASSWORD not in response.content.decode(), url
    # An expert who declares a conflict loses the assignment and the password with it.
    client.force_login(assigned)
    client.post(reverse("selection:expert_conflict", args=[assignment.pk]), {"type": "co_author", "confirm": "yes"})
    assert client.get(detail).status_code == 404 and client.get(scoring).status_code == 404


def test_unit_form_keeps_the_stored_test_password_when_left_empty(client):
    campaign = open_campaign(phase=Phase.RECOMMENDATION)
    course = CourseFactory()
    rec = services.create_recommendation(
        campaign=campaign,
        organisation=course.platform.owner,
        course=course,
        intro="简介",
        study_url="https://a.example.cn/c",
        test_account="zj",
        test_password=PASSWORD,
    )
    client.force_login(user_with_role(Role.BASE_ADMIN, course.platform.owner))
    url = reverse("selection:unit_detail", args=[rec.pk])
    form = {
        "action": "save",
        "rec-intro": "新简介",
        "rec-study_url": "https://a.example.cn/c",
        "rec-test_account": "zj",
        "rec-test_password": "",
        "rec-is_original": "on",
        "rec-copyright": "own",
        "rec-learner_count": "1200",
        "rec-rating": "4.6",
    }
    client.post(url, form)
    rec.refresh_from_db()
    assert (rec.intro, rec.test_password) == ("新简介", PASSWORD)
    client.post(url, form | {"rec-test_password": "new-pass"})
    rec.refresh_from_db()
    assert rec.test_password == "new-pass"


def test_vote_counts_hidden_from_every_role_but_association_admins_until_voting_closes(client, role_users):
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    services.cast_vote(campaign=campaign, recommendation=rec, voter=role_users[Role.PROFESSIONAL])
    page = reverse("selection:candidates", args=[campaign.year])
    api = f"/api/v1/selection/campaigns/{campaign.pk}/candidates/"

    def shown(user) -> tuple[bool, bool]:
        client.logout()
        if user is not None:
            client.force_login(user)
        html = client.get(page).content.decode()
        return "得票 1" in html, api_client(user).get(api).json()["results"][0]["votes"] == 1

    assert shown(None) == (False, False)
    for role in Role:
        expected = role == Role.ASSOCIATION_ADMIN
        assert shown(role_users[role]) == (expected, expected), role
    Campaign.objects.filter(pk=campaign.pk).update(
        phase=Phase.OBJECTION, voting_end=timezone.now() - datetime.timedelta(hours=1)
    )
    assert shown(None) == (True, True)
    assert shown(role_users[Role.PROFESSIONAL]) == (True, True)


def test_results_page_and_api_agree_nothing_before_the_public_notice_then_proposed_then_final(client, role_users):
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    services.compute_results(campaign=campaign)
    page = reverse("selection:results", args=[campaign.year])
    api = f"/api/v1/selection/campaigns/{campaign.pk}/results/"
    # Before 公示: nothing, for everyone (the association works on its own pages).
    for role in [None, *Role]:
        client.logout()
        if role:
            client.force_login(role_users[role])
        body = client.get(page).content.decode()
        assert "评选结果尚未公示" in body and rec.course.title not in body, role
        response = api_client(role_users[role] if role else None).get(api)
        assert response.status_code == 404 and response.json()["detail"] == "评选结果尚未公示。", role
    # During 公示: the proposed list, marked as not final, on both.
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.OBJECTION)
    client.logout()
    body = client.get(page).content.decode()
    assert "拟入选名单（公示中，非最终结果）" in body and rec.course.title in body
    during = api_client().get(api).json()
    assert during["final"] is False and [r["recommendation"] for r in during["results"]] == [rec.pk]
    # Published: the final list on both.
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.PUBLISHED)
    body = client.get(page).content.decode()
    assert "最终结果" in body and "非最终结果" not in body
    assert api_client().get(api).json()["final"] is True


def test_expert_only_account_cannot_vote_on_page_api_or_service(client):
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    reviewer = expert()
    assert reviewer.is_verified
    with pytest.raises(RuleBroken, match="只有专业技术人员"):
        services.cast_vote(campaign=campaign, recommendation=rec, voter=reviewer)
    api = f"/api/v1/selection/campaigns/{campaign.pk}/votes/"
    assert api_client(reviewer).post(api, {"recommendation": rec.pk}, format="json").status_code == 403
    client.force_login(reviewer)
    assert client.post(reverse("selection:vote_cast", args=[campaign.year, rec.pk])).status_code == 403
    assert not Vote.objects.exists()


def test_unverified_professional_cannot_vote_on_the_page(client):
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    client.force_login(user_with_role(Role.PROFESSIONAL, is_verified=False))
    response = client.post(reverse("selection:vote_cast", args=[campaign.year, rec.pk]), follow=True)
    assert "请先完成实名认证再参加网络投票。" in response.content.decode()
    assert not Vote.objects.exists()


def test_publication_credits_teachers_once_and_a_second_publication_changes_nothing():
    YearPolicyFactory(year=2022)
    association = OrganisationFactory(association=True)
    admin = user_with_role(Role.ASSOCIATION_ADMIN, association)
    campaign = open_campaign(phase=Phase.REVIEW, select_count=1)
    rec = submitted_recommendation(campaign)
    teacher = TeacherFactory(user=user_with_role(Role.PROFESSIONAL))
    rec.course.teachers.add(teacher)
    a = services.assign_expert(recommendation=rec, expert=expert())
    Score.objects.create(assignment=a, values={}, total=Decimal("90"), submitted_at=timezone.now())
    services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin, reason="测试")
    services.change_phase(campaign=campaign, to_phase=Phase.OBJECTION, actor=admin, reason="测试")
    Campaign.objects.filter(pk=campaign.pk).update(objection_end=timezone.now() - datetime.timedelta(seconds=1))
    services.change_phase(campaign=campaign, to_phase=Phase.CONFIRMED, actor=admin)
    services.change_phase(campaign=campaign, to_phase=Phase.PUBLISHED, actor=admin)

    def consequences():
        return (
            list(HourRecord.objects.filter(source=HourRecord.Source.TEACHING).values_list("professional_id", "hours")),
            TeacherPoolEntry.objects.count(),
            list(ExcellentTeacherCertificate.objects.values_list("teacher_id", "number")),
            campaign.transitions.count(),
        )

    before = consequences()
    assert before[0] == [(teacher.user_id, Decimal("6.0"))] and before[1] == 1 and len(before[2]) == 1
    with pytest.raises(AlreadyDone, match="不能重复发布"):
        services.publish_results(campaign=campaign, actor=admin)
    assert consequences() == before
    assert Recommendation.objects.get(pk=rec.pk).results.filter(selected=True).exists()


@pytest.mark.parametrize("n", [1, 6])
def test_campaigns_api_query_count_is_flat(n):
    for i in range(n):
        open_campaign(year=2020 + i)
    # the count of campaigns; the page of campaigns
    with expect_queries("selection_campaign", "selection_campaign"):
        response = api_client().get("/api/v1/selection/campaigns/")
    assert response.status_code == 200 and response.json()["count"] == n
