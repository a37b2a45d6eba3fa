import threading

import pytest
from django.db import connection

from accounts.models import Role
from selection import services
from selection.exceptions import AlreadyDone, RuleBroken
from selection.models import Phase, Vote, VoterBallot
from tests.factories import user_with_role

from .factories import open_campaign, submitted_recommendation


@pytest.fixture
def voting(db):
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=2)
    recs = [submitted_recommendation(campaign) for _ in range(3)]
    return campaign, recs


def test_verified_professional_votes_once_per_course(voting):
    campaign, recs = voting
    voter = user_with_role(Role.PROFESSIONAL)
    services.cast_vote(campaign=campaign, recommendation=recs[0], voter=voter)
    with pytest.raises(AlreadyDone):
        services.cast_vote(campaign=campaign, recommendation=recs[0], voter=voter)
    assert Vote.objects.count() == 1
    assert VoterBallot.objects.get(voter=voter).used == 1


def test_voting_beyond_the_per_voter_limit_is_refused(voting):
    campaign, recs = voting
    voter = user_with_role(Role.PROFESSIONAL)
    services.cast_vote(campaign=campaign, recommendation=recs[0], voter=voter)
    services.cast_vote(campaign=campaign, recommendation=recs[1], voter=voter)
    with pytest.raises(RuleBroken, match="票数已用完"):
        services.cast_vote(campaign=campaign, recommendation=recs[2], voter=voter)
    assert Vote.objects.count() == 2


def test_unverified_account_cannot_vote(voting):
    campaign, recs = voting
    voter = user_with_role(Role.PROFESSIONAL, is_verified=False)
    with pytest.raises(RuleBroken, match="实名认证"):
        services.cast_vote(campaign=campaign, recommendation=recs[0], voter=voter)
    assert not Vote.objects.exists()


def test_non_professional_cannot_vote(voting):
    campaign, recs = voting
    with pytest.raises(RuleBroken):
        services.cast_vote(campaign=campaign, recommendation=recs[0], voter=user_with_role(Role.BASE_ADMIN))
    assert not Vote.objects.exists()


def test_voting_outside_the_window_is_refused(db):
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    with pytest.raises(RuleBroken, match="投票时间"):
        services.cast_vote(campaign=campaign, recommendation=rec, voter=user_with_role(Role.PROFESSIONAL))
    assert not Vote.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_votes_by_one_voter_stay_within_the_limit():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=5)
    recs = [submitted_recommendation(campaign) for _ in range(24)]
    voter = user_with_role(Role.PROFESSIONAL)
    outcomes: list[str] = []
    barrier = threading.Barrier(24)

    def vote(rec):
        try:
            barrier.wait()
            services.cast_vote(campaign=campaign, recommendation=rec, voter=voter)
            outcomes.append("ok")
        except RuleBroken:
            outcomes.append("limit")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(r,)) for r in recs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 5
    assert outcomes.count("limit") == 19
    assert Vote.objects.filter(voter=voter).count() == 5
    assert VoterBallot.objects.get(voter=voter).used == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_votes_for_the_same_course_count_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=5)
    rec = submitted_recommendation(campaign)
    voter = user_with_role(Role.PROFESSIONAL)
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def vote():
        try:
            barrier.wait()
            services.cast_vote(campaign=campaign, recommendation=rec, voter=voter)
            outcomes.append("ok")
        except AlreadyDone:
            outcomes.append("dup")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1 and outcomes.count("dup") == 19
    assert VoterBallot.objects.get(voter=voter).used == 1
