"""The vote POST at province scale (issue 15): a handful of queries, the unique constraint as the
once-only guarantee, the counter raised only below the limit, and nothing lost or doubled when the
same vote or one voter's votes arrive together."""

import threading

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from selection.models import Phase, Vote, VoterBallot
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import open_campaign, submitted_recommendation


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _url(campaign) -> str:
    return f"/api/v1/selection/campaigns/{campaign.pk}/votes/"


@pytest.mark.django_db
def test_a_vote_costs_the_token_roles_candidate_insert_and_counter():
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=3)
    recs = [submitted_recommendation(campaign) for _ in range(2)]
    voter = user_with_role(Role.PROFESSIONAL)
    client = _token_client(voter)
    # The candidate comes with its campaign (one query); one more asks whether the voter teaches
    # it, works for its unit or scored it. The first vote also creates the voter's counter (the
    # UPDATE finds none, then raises it).
    with expect_queries(
        "authtoken_token",
        "accounts_membership",
        "selection_recommendation",
        "courses_teacher",  # no interest: teacher, unit staff, expert who scored it (one SELECT EXISTS)
        "SAVEPOINT",
        "selection_vote",
        "selection_voterballot",
        "selection_voterballot",
        "selection_voterballot",
        "RELEASE SAVEPOINT",
    ):
        first = client.post(_url(campaign), {"recommendation": recs[0].pk}, format="json")
    assert first.status_code == 201 and first.json()["remaining"] == 2
    with expect_queries(
        "authtoken_token",
        "accounts_membership",
        "selection_recommendation",
        "courses_teacher",  # no interest
        "SAVEPOINT",
        "selection_vote",
        "selection_voterballot",
        "RELEASE SAVEPOINT",
    ):
        second = client.post(_url(campaign), {"recommendation": recs[1].pk}, format="json")
    assert second.status_code == 201 and second.json() == {
        "id": second.json()["id"],
        "recommendation": recs[1].pk,
        "remaining": 1,
    }
    employer_id = voter.memberships.get().organisation_id
    assert set(Vote.objects.values_list("employer_id", flat=True)) == {employer_id}
    assert VoterBallot.objects.get(voter=voter).used == 2


@pytest.mark.django_db
def test_a_repeat_at_the_limit_is_409_and_a_refused_vote_leaves_nothing():
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=1)
    recs = [submitted_recommendation(campaign) for _ in range(2)]
    client = _token_client(user_with_role(Role.PROFESSIONAL))
    assert client.post(_url(campaign), {"recommendation": recs[0].pk}, format="json").status_code == 201
    repeat = client.post(_url(campaign), {"recommendation": recs[0].pk}, format="json")
    assert repeat.status_code == 409 and repeat.json()["code"] == "already_voted"
    over = client.post(_url(campaign), {"recommendation": recs[1].pk}, format="json")
    assert over.status_code == 422 and over.json()["code"] == "vote_limit_reached"
    assert list(Vote.objects.values_list("recommendation_id", flat=True)) == [recs[0].pk]
    assert VoterBallot.objects.get().used == 1


@pytest.mark.django_db
def test_a_recommendation_of_another_campaign_or_not_submitted_is_404_and_so_is_an_unknown_campaign():
    campaign = open_campaign(phase=Phase.VOTING)
    other = submitted_recommendation(open_campaign(year=2023, phase=Phase.VOTING))
    draft = submitted_recommendation(campaign)
    draft.status = "draft"
    draft.save(update_fields=["status"])
    client = _token_client(user_with_role(Role.PROFESSIONAL))
    for rec in (other, draft):
        assert client.post(_url(campaign), {"recommendation": rec.pk}, format="json").status_code == 404
    unknown = "/api/v1/selection/campaigns/999999/votes/"
    assert client.post(unknown, {"recommendation": other.pk}, format="json").status_code == 404
    assert client.post(unknown, {"recommendation": "x"}, format="json").status_code == 404
    assert client.post(_url(campaign), {"recommendation": "x"}, format="json").status_code == 400
    assert client.post(_url(campaign), [1], format="json").status_code == 400
    assert not Vote.objects.exists() and not VoterBallot.objects.exists()


def _together(n: int, call) -> list[int]:
    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def run():
        try:
            barrier.wait()
            statuses.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_vote_posted_from_eight_threads_is_stored_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=5)
    rec = submitted_recommendation(campaign)
    voter = user_with_role(Role.PROFESSIONAL)
    key = Token.objects.create(user=voter).key

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.post(_url(campaign), {"recommendation": rec.pk}, format="json").status_code

    statuses = _together(8, post)
    assert sorted(statuses) == [201] + [409] * 7
    assert Vote.objects.filter(voter=voter).count() == 1
    assert VoterBallot.objects.get(voter=voter).used == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_voters_first_votes_arriving_together_stop_exactly_at_the_limit():
    """No counter yet: every request finds none, creates it (one wins, the others wait for it)
    and counts against it; exactly the limit is stored and counted."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=3)
    recs = [submitted_recommendation(campaign) for _ in range(8)]
    voter = user_with_role(Role.PROFESSIONAL)
    key = Token.objects.create(user=voter).key
    queue = list(recs)
    lock = threading.Lock()

    def post():
        with lock:
            rec = queue.pop()
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.post(_url(campaign), {"recommendation": rec.pk}, format="json").status_code

    statuses = _together(8, post)
    assert sorted(statuses) == [201] * 3 + [422] * 5
    assert Vote.objects.filter(voter=voter).count() == 3
    assert VoterBallot.objects.get(voter=voter).used == 3
