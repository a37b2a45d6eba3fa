"""The association admin's and unit's page actions, and the anomaly and outlier views."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from selection import selectors, services
from selection.models import Assignment, Campaign, Objection, Phase, Recommendation, Score, Vote
from tests.factories import OrganisationFactory, user_with_role

from .factories import ELIGIBLE, CourseFactory, expert, full_marks, open_campaign, pdf_upload, submitted_recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return user_with_role(Role.ASSOCIATION_ADMIN)


def test_admin_advances_phase_forward_and_transition_is_shown(client, admin):
    campaign = open_campaign(phase=Phase.RECOMMENDATION)
    client.force_login(admin)
    client.post(reverse("selection:manage_phase", args=[2022, Phase.REVIEW]), {"reason": "推荐单位已全部报送"})
    campaign.refresh_from_db()
    assert campaign.phase == Phase.REVIEW
    assert campaign.transitions.get(to_phase=Phase.REVIEW).reason == "推荐单位已全部报送"
    response = client.post(
        reverse("selection:manage_phase", args=[2022, Phase.OBJECTION]), {"reason": "跳过"}, follow=True
    )
    assert "不能跳过" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.phase == Phase.REVIEW


def test_admin_assigns_by_hand_and_automatically(client, admin):
    campaign = open_campaign(phase=Phase.REVIEW)
    recs = [submitted_recommendation(campaign) for _ in range(2)]
    experts = [expert() for _ in range(3)]
    client.force_login(admin)
    url = reverse("selection:manage_assignments", args=[2022])
    client.post(url, {"action": "assign", "recommendation": recs[0].pk, "expert": experts[0].pk})
    assert Assignment.objects.filter(recommendation=recs[0], expert=experts[0]).exists()
    client.post(url, {"action": "auto", "per_course": 2})
    assert all(r.assignments.count() == 2 for r in recs)


def test_publish_page_refuses_before_confirmation_with_a_clear_message(client, admin):
    open_campaign(phase=Phase.VOTING)
    client.force_login(admin)
    response = client.post(reverse("selection:manage_phase", args=[2022, Phase.PUBLISHED]), follow=True)
    assert "不能跳过" in response.content.decode()
    assert Campaign.objects.get(year=2022).phase == Phase.VOTING


def test_objection_filed_on_page_and_answered_by_admin(client, admin):
    campaign = open_campaign(phase=Phase.OBJECTION)
    rec = submitted_recommendation(campaign)
    client.force_login(user_with_role(Role.PROFESSIONAL))
    client.post(reverse("selection:objection_new", args=[2022]), {"recommendation": rec.pk, "reason": "疑似抄袭"})
    objection = Objection.objects.get()
    client.force_login(admin)
    client.post(reverse("selection:manage_answer", args=[2022, objection.pk]), {"answer": "经核实为原创"})
    objection.refresh_from_db()
    assert objection.answer == "经核实为原创" and objection.answered_by == admin


def test_objection_outside_the_public_notice_is_refused(client):
    open_campaign(phase=Phase.VOTING)
    client.force_login(user_with_role(Role.PROFESSIONAL))
    response = client.post(reverse("selection:objection_new", args=[2022]), {"reason": "异议"}, follow=True)
    assert "公示期" in response.content.decode()
    assert not Objection.objects.exists()


def test_unit_fills_pledge_with_scan_submits_and_withdraws_on_pages(client):
    campaign = open_campaign()
    course = CourseFactory()
    unit_admin = user_with_role(Role.BASE_ADMIN, course.platform.owner)
    rec = services.create_recommendation(
        campaign=campaign,
        organisation=course.platform.owner,
        course=course,
        intro="简介",
        study_url="https://a.cn",
        **ELIGIBLE,
    )
    client.force_login(unit_admin)
    url = reverse("selection:unit_detail", args=[rec.pk])
    client.post(
        url,
        {
            "action": "pledge",
            "pledge-signatory": "李校长",
            "pledge-signed_on": "2022-04-25",
            "pledge-owns_full_ip": "on",
            "pledge-no_plagiarism": "on",
            "pledge-bears_liability": "on",
            "pledge-scan": pdf_upload(),
        },
    )
    client.post(reverse("selection:unit_submit", args=[rec.pk]))
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.SUBMITTED and rec.pledge.scan
    scan = client.get(reverse("selection:pledge_scan", args=[rec.pk]))
    assert scan.status_code == 200 and "attachment" in scan["Content-Disposition"]
    assert quote(f"知识产权保护承诺书-{rec.course.title}.pdf") in scan["Content-Disposition"]
    client.post(reverse("selection:unit_withdraw", args=[rec.pk]))
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.WITHDRAWN
    # Another unit's admin cannot reach it.
    client.force_login(user_with_role(Role.BASE_ADMIN))
    assert client.get(url).status_code == 404
    assert client.get(reverse("selection:pledge_scan", args=[rec.pk])).status_code == 404


def test_employer_burst_and_votes_per_hour_in_anomaly_view(client, admin):
    campaign = open_campaign(phase=Phase.VOTING)
    Campaign.objects.filter(pk=campaign.pk).update(anomaly_votes_per_hour=3)
    campaign.refresh_from_db()
    employer = OrganisationFactory(name="集中投票单位")
    recs = [submitted_recommendation(campaign) for _ in range(2)]
    for _ in range(3):
        voter = user_with_role(Role.PROFESSIONAL, employer)
        services.cast_vote(campaign=campaign, recommendation=recs[0], voter=voter)
    bursts = selectors.employer_bursts(campaign=campaign)
    assert [(b["employer__name"], b["n"]) for b in bursts] == [("集中投票单位", 3)]
    assert sum(h["n"] for h in selectors.votes_per_hour(campaign=campaign)) == 3
    client.force_login(admin)
    page = client.get(reverse("selection:manage_anomalies", args=[2022])).content.decode()
    assert "集中投票单位" in page and "<svg" in page
    # The figures as a table too: the day in Chinese and its votes.
    today = timezone.localtime(Vote.objects.filter(campaign=campaign).earliest("created_at").created_at).date()
    assert f'<td>{today.year}年{today.month}月{today.day}日</td><td class="num">3</td>' in page
    assert f"{today.month}月{today.day}日</text>" in page


def test_expert_far_from_the_others_is_flagged(db):
    campaign = open_campaign(phase=Phase.REVIEW)
    experts = [expert() for _ in range(5)]
    for _ in range(2):
        rec = submitted_recommendation(campaign)
        for e, total in zip(experts, ("80", "82", "78", "81", "40"), strict=True):
            a = Assignment.objects.create(recommendation=rec, expert=e)
            Score.objects.create(assignment=a, values={}, total=Decimal(total), submitted_at=timezone.now())
    flagged = {d["expert_id"]: d["outlier"] for d in selectors.expert_deviations(campaign=campaign)}
    assert [e.pk for e in experts if flagged[e.pk]] == [experts[4].pk]


def test_experts_score_through_the_form_within_range_only(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    client.force_login(e)
    data = {f"c_{k}": v for k, v in full_marks(campaign).items()} | {"c_originality": "25"}
    client.post(reverse("selection:expert_assignment", args=[a.pk]), data)
    assert not Score.objects.exists()


def test_expert_declares_conflict_on_page(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    client.force_login(e)
    data = {"type": "co_author", "reason": "合著", "confirm": "yes"}
    client.post(reverse("selection:expert_conflict", args=[a.pk]), data)
    assert not Assignment.objects.exists()


def test_vote_counts_hidden_on_public_candidates_page_until_voting_closes(client):
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    Vote.objects.create(campaign=campaign, recommendation=rec, voter=user_with_role(Role.PROFESSIONAL))
    url = reverse("selection:candidates", args=[2022])
    assert "得票 1" not in client.get(url).content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(
        phase=Phase.OBJECTION, voting_end=timezone.now() - datetime.timedelta(hours=1)
    )
    assert "得票 1" in client.get(url).content.decode()
