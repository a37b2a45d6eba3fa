import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from selection import services
from selection.exceptions import AlreadyDone, RuleBroken
from selection.models import Campaign, Phase, Score
from tests.credits.factories import YearPolicyFactory
from tests.factories import user_with_role

from .factories import open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def test_combined_score_matches_hand_computed_example():
    # 0.7 x 80 + 0.3 x (30 / 40 x 100) = 56 + 22.5 = 78.5
    assert services.combined_score(
        expert_score=Decimal("80"), votes=30, max_votes=40, expert_weight=Decimal("0.7"), vote_weight=Decimal("0.3")
    ) == Decimal("78.50")
    # No votes at all: only the expert part counts.
    assert services.combined_score(
        expert_score=Decimal("90"), votes=0, max_votes=0, expert_weight=Decimal("0.6"), vote_weight=Decimal("0.4")
    ) == Decimal("54.00")


def test_five_experts_drop_highest_and_lowest_before_averaging():
    totals = [Decimal(x) for x in ("60", "70", "80", "90", "100")]
    assert services.average_expert_score(totals=totals, drop_extremes_min_experts=5) == Decimal("80.00")
    assert services.average_expert_score(totals=totals[:4], drop_extremes_min_experts=5) == Decimal("75.00")
    assert services.average_expert_score(
        totals=[Decimal("50"), Decimal("100"), Decimal("99"), Decimal("1"), Decimal("100")], drop_extremes_min_experts=5
    ) == Decimal("83.00")


def test_ranking_ties_on_combined_score_go_to_higher_expert_score():
    inputs = {
        "expert_weight": "0.5",
        "vote_weight": "0.5",
        "drop_extremes_min_experts": 5,
        "select_count": 1,
        "min_combined_score": None,
        # A: 0.5 x 80 + 0.5 x 100 = 90; B: 0.5 x 100 + 0.5 x 80 = 90 -> B first (higher expert score).
        "candidates": [
            {"recommendation": 1, "totals": ["80"], "votes": 10},
            {"recommendation": 2, "totals": ["100"], "votes": 8},
        ],
    }
    rows = services.rank_from_inputs(inputs)
    assert [r["recommendation"] for r in rows] == [2, 1]
    assert [r["combined_score"] for r in rows] == [Decimal("90.00"), Decimal("90.00")]
    assert [r["selected"] for r in rows] == [True, False]


def test_minimum_combined_score_rule_selects_all_above_it():
    inputs = {
        "expert_weight": "1",
        "vote_weight": "0",
        "drop_extremes_min_experts": 5,
        "select_count": None,
        "min_combined_score": "75",
        "candidates": [{"recommendation": i, "totals": [str(t)], "votes": 0} for i, t in enumerate((70, 75, 90))],
    }
    assert {r["recommendation"]: r["selected"] for r in services.rank_from_inputs(inputs)} == {
        0: False,
        1: True,
        2: True,
    }


def _scored_campaign():
    campaign = open_campaign(phase=Phase.REVIEW, select_count=1)
    recs = [submitted_recommendation(campaign) for _ in range(2)]
    for rec, total in zip(recs, ("90.00", "70.00"), strict=True):
        a = services.assign_expert(recommendation=rec, expert=user_with_role(Role.EXPERT))
        Score.objects.create(assignment=a, values={}, total=Decimal(total), submitted_at=campaign.review_start)
    return campaign, recs


def test_phases_move_forward_only_and_are_recorded():
    campaign, _recs = _scored_campaign()
    admin = user_with_role(Role.ASSOCIATION_ADMIN)
    with pytest.raises(RuleBroken):
        services.change_phase(campaign=campaign, to_phase=Phase.RECOMMENDATION, actor=admin, reason="回退")
    with pytest.raises(RuleBroken):
        services.change_phase(campaign=campaign, to_phase=Phase.OBJECTION, actor=admin, reason="跳过")
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin, reason="评审完成")
    last = campaign.transitions.last()
    assert (last.from_phase, last.to_phase, last.actor, last.reason) == (Phase.REVIEW, Phase.VOTING, admin, "评审完成")


def test_publishing_before_confirmation_or_twice_is_refused_and_objections_need_answers():
    YearPolicyFactory(year=2022)
    campaign, recs = _scored_campaign()
    admin = user_with_role(Role.ASSOCIATION_ADMIN)
    services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin, reason="测试")
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.OBJECTION, actor=admin, reason="测试")
    with pytest.raises(RuleBroken, match="尚未确认"):
        services.publish_results(campaign=campaign, actor=admin)
    objection = services.file_objection(
        campaign=campaign, user=user_with_role(Role.PROFESSIONAL), reason="课程非原创", recommendation=recs[0]
    )
    with pytest.raises(RuleBroken, match="未答复"):
        services.confirm_results(campaign=campaign, actor=admin)
    services.answer_objection(objection=objection, answer="经核查，课程为原创。", actor=admin)
    services.confirm_results(campaign=campaign, actor=admin)
    with pytest.raises(RuleBroken, match="公示期尚未结束"):
        services.publish_results(campaign=campaign, actor=admin)
    Campaign.objects.filter(pk=campaign.pk).update(objection_end=timezone.now() - datetime.timedelta(seconds=1))
    campaign = services.publish_results(campaign=campaign, actor=admin)
    assert campaign.phase == Phase.PUBLISHED and campaign.published_at
    with pytest.raises(AlreadyDone, match="不能重复发布"):
        services.publish_results(campaign=campaign, actor=admin)


def test_snapshot_recomputes_to_the_stored_ranking_and_detects_tampering():
    campaign, recs = _scored_campaign()
    snapshot = services.compute_results(campaign=campaign)
    assert services.verify_snapshot(snapshot=snapshot) == []
    assert [r.recommendation_id for r in snapshot.results.order_by("rank")] == [recs[0].pk, recs[1].pk]
    snapshot.inputs["candidates"][0]["votes"] = 999
    assert services.verify_snapshot(snapshot=snapshot)
