"""Ranking rules are explicit and published (issue 12 point 4): a minimum number of expert scores,
a tie rule that is data, ties across the selection line decided by the association with a reason,
and the rules printed with the results in the same words on the page and in the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Assignment, Campaign, Phase, Score, TieRule, Vote
from tests.factories import user_with_role

from .factories import expert, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def _inputs(candidates, **rules) -> dict:
    return {
        "expert_weight": "0.7",
        "vote_weight": "0.3",
        "drop_extremes_min_experts": 5,
        "min_expert_scores": 3,
        "tie_rule": TieRule.EXPERT_THEN_VOTES,
        "full_marks": "100",
        "select_count": 1,
        "min_combined_score": None,
        **rules,
        "candidates": [{"recommendation": i, "totals": t, "votes": v} for i, t, v in candidates],
    }


def test_one_experts_99_does_not_outrank_five_experts_averaging_91():
    rows = services.rank_from_inputs(_inputs([(1, ["99"], 0), (2, ["91", "91", "91", "91", "91"], 0)], select_count=1))
    by_rec = {r["recommendation"]: r for r in rows}
    assert by_rec[2]["rank"] == 1 and by_rec[2]["selected"]
    # A course with one score is not ranked and not selected; it is listed after the ranked ones.
    assert (by_rec[1]["rank"], by_rec[1]["selected"], by_rec[1]["insufficient"]) == (None, False, True)
    assert [r["recommendation"] for r in rows] == [2, 1]


def test_a_course_without_scores_is_not_ranked_with_zero():
    rows = services.rank_from_inputs(_inputs([(1, [], 50), (2, ["80", "80", "80"], 10)], select_count=2))
    by_rec = {r["recommendation"]: r for r in rows}
    assert by_rec[1]["rank"] is None and not by_rec[1]["selected"]


# Weights 0.5 / 0.5, most votes 10: A = 0.5 x 80 + 0.5 x 8/10 x 100 = 80 and
# B = 0.5 x 60 + 0.5 x 10/10 x 100 = 80: equal combined scores, A has the higher expert score.
EQUAL = [(1, ["80"] * 3, 8), (2, ["60"] * 3, 10)]
HALVES = {"expert_weight": "0.5", "vote_weight": "0.5", "select_count": 1}


@pytest.mark.parametrize(("tie_rule", "first"), [(TieRule.EXPERT_THEN_VOTES, 1), (TieRule.VOTES_THEN_EXPERT, 2)])
def test_the_tie_rule_is_campaign_data(tie_rule, first):
    rows = services.rank_from_inputs(_inputs(EQUAL, tie_rule=tie_rule, **HALVES))
    assert rows[0]["combined_score"] == rows[1]["combined_score"] == Decimal("80.00")
    assert (rows[0]["recommendation"], rows[0]["rank"], rows[1]["rank"]) == (first, 1, 2)
    assert rows[0]["selected"] and not rows[1]["selected"]


def test_a_complete_tie_across_the_line_is_flagged_never_decided_by_id():
    rows = services.rank_from_inputs(_inputs([(1, ["70"] * 3, 9), (2, ["70"] * 3, 9)], **HALVES))
    assert [(r["rank"], r["tied_at_line"], r["selected"]) for r in rows] == [(1, True, False), (1, True, False)]
    # The association's recorded decision selects the course it chose.
    rows = services.rank_from_inputs(_inputs([(1, ["70"] * 3, 9), (2, ["70"] * 3, 9)], tie_selected=[2], **HALVES))
    assert {r["recommendation"]: r["selected"] for r in rows} == {1: False, 2: True}


def _campaign_with_a_tie():
    campaign = open_campaign(phase=Phase.REVIEW, select_count=1, min_expert_scores=1)
    recs = [submitted_recommendation(campaign) for _ in range(3)]
    for rec, total in zip(recs, ("90", "90", "70"), strict=True):
        a = services.assign_expert(recommendation=rec, expert=expert())
        Score.objects.create(assignment=a, values={}, total=Decimal(total), submitted_at=timezone.now())
    admin = user_with_role(Role.ASSOCIATION_ADMIN)
    for phase in (Phase.VOTING, Phase.OBJECTION):
        campaign = services.change_phase(campaign=campaign, to_phase=phase, actor=admin, reason="测试")
    return campaign, recs, admin


def test_confirmation_waits_for_a_recorded_decision_on_a_tie_at_the_line(client):
    campaign, recs, admin = _campaign_with_a_tie()
    with pytest.raises(RuleBroken, match="入选线上有并列课程"):
        services.confirm_results(campaign=campaign, actor=admin)
    with pytest.raises(ValidationError, match="选择 1 门"):
        services.decide_tie(campaign=campaign, selected=[recs[0].pk, recs[1].pk], reason="两门都要", actor=admin)
    with pytest.raises(ValidationError, match="选择 1 门"):
        services.decide_tie(campaign=campaign, selected=[recs[2].pk], reason="不在并列中", actor=admin)
    client.force_login(admin)
    page = client.get(reverse("selection:manage_campaign", args=[campaign.year])).content.decode()
    assert "入选线并列裁定" in page
    client.post(reverse("selection:manage_tie", args=[campaign.year]), {"selected": [recs[1].pk], "reason": ""})
    assert not campaign.tie_decisions.exists()
    client.post(
        reverse("selection:manage_tie", args=[campaign.year]),
        {"selected": [recs[1].pk], "reason": "经评审委员会复议，该课程学习人数更多"},
    )
    decision = campaign.tie_decisions.get()
    assert decision.selected == [recs[1].pk] and decision.actor == admin
    campaign = services.confirm_results(campaign=campaign, actor=admin)
    selected = list(campaign.results.filter(snapshot=campaign.snapshots.first(), selected=True))
    assert [r.recommendation_id for r in selected] == [recs[1].pk]


def test_results_page_and_api_print_the_same_rules_with_minimum_and_tie_rule():
    campaign = open_campaign(phase=Phase.OBJECTION, min_expert_scores=3)
    one_score = submitted_recommendation(campaign)
    a = Assignment.objects.create(recommendation=one_score, expert=expert())
    Score.objects.create(assignment=a, values={}, total=Decimal("99"), submitted_at=timezone.now())
    Vote.objects.create(campaign=campaign, recommendation=one_score, voter=user_with_role(Role.PROFESSIONAL))
    services.compute_results(campaign=campaign)
    rules = services.published_rules(campaign)
    assert "专家评分少于 3 份的课程不参与排名，标为“专家评分不足”。" in rules
    assert any("综合得分相同时，专家评分高者在前" in r for r in rules)
    assert any("满分 100 分" in r for r in rules)
    body = Client().get(reverse("selection:results", args=[campaign.year])).content.decode()
    for rule in rules:
        assert rule in body
    assert "专家评分不足" in body
    data = APIClient().get(f"/api/v1/selection/campaigns/{campaign.pk}/results/").json()
    assert data["rules"] == rules
    assert data["results"][0]["rank"] is None and data["results"][0]["selected"] is False


def test_minimum_and_tie_rule_are_frozen_from_the_public_notice():
    campaign = open_campaign(phase=Phase.OBJECTION)
    admin = user_with_role(Role.ASSOCIATION_ADMIN)
    with pytest.raises(RuleBroken, match="不能修改权重和入选规则"):
        services.update_campaign_settings(campaign=campaign, actor=admin, min_expert_scores=5)
    with pytest.raises(RuleBroken, match="不能修改权重和入选规则"):
        services.update_campaign_settings(campaign=campaign, actor=admin, tie_rule=TieRule.VOTES_THEN_EXPERT)
    assert Campaign.objects.get(pk=campaign.pk).min_expert_scores == 1


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BASE_ADMIN, Role.PROFESSIONAL])
def test_only_the_association_records_a_tie_decision(client, role):
    campaign, recs, _admin = _campaign_with_a_tie()
    client.force_login(user_with_role(role))
    url = reverse("selection:manage_tie", args=[campaign.year])
    assert client.post(url, {"selected": [recs[0].pk], "reason": "我来定"}).status_code == 403
    assert not campaign.tie_decisions.exists()


def test_the_association_sets_minimum_tie_rule_and_blind_review_on_the_settings_page(client):
    campaign = open_campaign(phase=Phase.RECOMMENDATION)
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    url = reverse("selection:manage_settings", args=[campaign.year])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "action": "settings",
            "min_expert_scores": "4",
            "tie_rule": TieRule.VOTES_THEN_EXPERT,
            "blind_review": "",
            "recommendation_deadline": "2022-04-30T23:59",
            "review_start": "2022-05-01T00:00",
            "review_end": "2022-05-31T23:59",
            "voting_start": "2022-06-01T00:00",
            "voting_end": "2022-06-15T23:59",
            "objection_start": "2022-06-20T00:00",
            "objection_end": "2022-06-26T23:59",
            # The recommendation deadline moves before now: ending the open phase early has a reason.
            "reason": "按公布的日程调整",
        }
    )
    data.pop("blind_review")
    client.post(url, data)
    campaign.refresh_from_db()
    assert (campaign.min_expert_scores, campaign.tie_rule, campaign.blind_review) == (
        4,
        TieRule.VOTES_THEN_EXPERT,
        False,
    )


def test_docs_state_the_rules_in_the_words_the_results_page_prints(settings):
    campaign = services.create_campaign(year=2031)
    docs = (settings.BASE_DIR / "docs" / "selection.md").read_text(encoding="utf-8")
    for rule in services.published_rules(campaign):
        assert rule in docs, rule
