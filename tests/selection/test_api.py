from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from selection import services
from selection.models import Phase, Score, Vote
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_campaigns_filtered_by_year_with_phase_and_dates():
    open_campaign(year=2022)
    open_campaign(year=2023)
    response = client_for().get("/api/v1/selection/campaigns/?year=2022")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["year"] == 2022 and row["phase"] == "recommendation" and row["recommendation_deadline"]


@pytest.mark.parametrize("n", [1, 8])
def test_candidates_query_count_is_flat(n):
    campaign = open_campaign(phase=Phase.VOTING)
    for _ in range(n):
        submitted_recommendation(campaign)
    # the campaign; the count of candidates; the page of candidates (with course, unit, votes)
    with expect_queries("selection_campaign", "selection_recommendation", "selection_recommendation"):
        response = client_for().get(f"/api/v1/selection/campaigns/{campaign.pk}/candidates/")
    assert response.status_code == 200
    assert response.json()["count"] == n


def test_candidates_hide_vote_counts_until_voting_closes():
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    services.cast_vote(campaign=campaign, recommendation=rec, voter=user_with_role(Role.PROFESSIONAL))
    url = f"/api/v1/selection/campaigns/{campaign.pk}/candidates/"
    assert client_for().get(url).json()["results"][0]["votes"] is None
    assert client_for(user_with_role(Role.ASSOCIATION_ADMIN)).get(url).json()["results"][0]["votes"] == 1
    campaign.phase = Phase.OBJECTION
    campaign.save()
    assert client_for().get(url).json()["results"][0]["votes"] == 1


def test_vote_201_then_409_on_repeat_then_422_over_limit():
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=1)
    recs = [submitted_recommendation(campaign) for _ in range(2)]
    client = client_for(user_with_role(Role.PROFESSIONAL))
    url = f"/api/v1/selection/campaigns/{campaign.pk}/votes/"
    first = client.post(url, {"recommendation": recs[0].pk}, format="json")
    assert first.status_code == 201 and first.json()["remaining"] == 0
    again = client.post(url, {"recommendation": recs[0].pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    over = client.post(url, {"recommendation": recs[1].pk}, format="json")
    assert over.status_code == 422 and "用完" in over.json()["detail"]
    assert Vote.objects.count() == 1


def test_vote_outside_window_is_422_and_unverified_is_422_and_non_professional_403():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    url = f"/api/v1/selection/campaigns/{campaign.pk}/votes/"
    assert client_for(user_with_role(Role.PROFESSIONAL)).post(url, {"recommendation": rec.pk}).status_code == 422
    campaign.phase = Phase.VOTING
    campaign.save()
    unverified = user_with_role(Role.PROFESSIONAL, is_verified=False)
    assert client_for(unverified).post(url, {"recommendation": rec.pk}).status_code == 422
    assert client_for(user_with_role(Role.BASE_ADMIN)).post(url, {"recommendation": rec.pk}).status_code == 403
    assert client_for().post(url, {"recommendation": rec.pk}).status_code == 401
    assert not Vote.objects.exists()


def test_score_by_assigned_expert_in_window():
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    url = f"/api/v1/selection/assignments/{assignment.pk}/score/"
    undeclared = client_for(e).post(url, {"criteria": full_marks(campaign)}, format="json")
    assert undeclared.status_code == 422 and undeclared.json()["code"] == "declaration_required"
    services.declare_review_principles(campaign=campaign, expert=e)
    bad = client_for(e).post(url, {"criteria": {**full_marks(campaign), "originality": 99}}, format="json")
    assert bad.status_code == 400
    ok = client_for(e).post(url, {"criteria": full_marks(campaign), "comment": "优秀"}, format="json")
    assert ok.status_code == 201 and ok.json()["total"] == "100.00"
    assert client_for(expert()).post(url, {"criteria": full_marks(campaign)}, format="json").status_code == 404
    assert Score.objects.get().comment == "优秀"


def test_score_outside_window_is_422():
    campaign = open_campaign(phase=Phase.VOTING)
    e = expert()
    from selection.models import Assignment

    assignment = Assignment.objects.create(recommendation=submitted_recommendation(campaign), expert=e)
    response = client_for(e).post(
        f"/api/v1/selection/assignments/{assignment.pk}/score/", {"criteria": full_marks(campaign)}, format="json"
    )
    assert response.status_code == 422


# the campaign; its sealed snapshot (rules, courses, units and teachers as sealed); the results
# of that snapshot; the correction records (later sealed versions)
RESULTS_QUERIES = (
    "selection_campaign",
    "selection_resultsnapshot",
    "selection_result",
    "selection_resultsnapshot",
)


@pytest.mark.parametrize("n", [1, 6])
def test_results_public_once_published_with_formula(n):
    campaign = open_campaign(phase=Phase.REVIEW, select_count=1)
    for i in range(n):
        a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=expert())
        Score.objects.create(assignment=a, values={}, total=Decimal(60 + i), submitted_at=campaign.review_start)
    services.compute_results(campaign=campaign, version=1)
    url = f"/api/v1/selection/campaigns/{campaign.pk}/results/"
    assert client_for().get(url).status_code == 404
    campaign.phase = Phase.PUBLISHED
    campaign.save()
    with expect_queries(*RESULTS_QUERIES):
        response = client_for().get(url)
    body = response.json()
    assert response.status_code == 200
    assert body["expert_weight"] == "0.700" and "综合得分" in body["formula"]
    assert len(body["results"]) == n
    assert body["results"][0]["rank"] == 1 and body["results"][0]["selected"] is True
    assert set(body["results"][0]) >= {"rank", "recommendation", "course", "expert_score", "votes", "combined_score"}


@pytest.mark.parametrize(
    "body",
    [[1, 2], "1", {"recommendation": True}, {"recommendation": "x"}, {"recommendation": None}, {}],
    ids=["list", "string", "bool", "not_a_number", "null", "missing"],
)
def test_malformed_vote_body_is_400_and_counts_nothing(body):
    campaign = open_campaign(phase=Phase.VOTING)
    submitted_recommendation(campaign)
    response = client_for(user_with_role(Role.PROFESSIONAL)).post(
        f"/api/v1/selection/campaigns/{campaign.pk}/votes/", body, format="json"
    )
    assert response.status_code == 400 and response.json()["detail"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "body",
    [[1], {"criteria": [1]}, {"criteria": None}, {"criteria": {"originality": {"a": 1}}}],
    ids=["list", "criteria_list", "criteria_null", "nested_value"],
)
def test_malformed_score_body_is_400_and_scores_nothing(body):
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    services.declare_review_principles(campaign=campaign, expert=e)
    response = client_for(e).post(f"/api/v1/selection/assignments/{assignment.pk}/score/", body, format="json")
    assert response.status_code == 400 and response.json()["detail"]
    assert not Score.objects.exists()
