"""Selection pages show scores as people read them (85.5, 85.5 分, weights as 70%), never the
stored 85.50 / 0.700."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from selection import services
from selection.models import Campaign, Phase, Score
from tests.factories import user_with_role

from .factories import expert, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def _scored(phase):
    campaign = open_campaign(phase=Phase.REVIEW, select_count=1)
    rec = submitted_recommendation(campaign)
    assignment = services.assign_expert(recommendation=rec, expert=expert())
    Score.objects.create(assignment=assignment, values={}, total=Decimal("85.50"), submitted_at=campaign.review_start)
    Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
    campaign.refresh_from_db()
    return campaign, rec, assignment


def test_association_campaign_page_shows_weights_as_percentages_and_scores_without_zeros(client, role_users):
    campaign, _rec, _a = _scored(Phase.VOTING)
    client.force_login(role_users[Role.ASSOCIATION_ADMIN])
    page = client.get(reverse("selection:manage_campaign", args=[2022])).content.decode()
    # The campaign's own figures and the ranking rules' sentence both read as percentages.
    weights = f"专家 {int(campaign.expert_weight * 100)}% / 投票 {int(campaign.vote_weight * 100)}%"
    assert weights in page
    assert "专家评审权重 70%，网络投票权重 30%。" in page
    assert "85.50" not in page and "0.700" not in page


def test_published_results_show_scores_without_trailing_zeros(client):
    campaign, _rec, _a = _scored(Phase.VOTING)
    services.compute_results(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.PUBLISHED)
    page = client.get(reverse("selection:results", args=[2022])).content.decode()
    assert "综合得分" in page
    assert "85.50" not in page and ".00<" not in page


def test_expert_sees_totals_and_criteria_in_points(client):
    campaign, _rec, assignment = _scored(Phase.REVIEW)
    me = assignment.expert
    services.declare_review_principles(campaign=campaign, expert=me)
    client.force_login(me)
    page = client.get(reverse("selection:expert_assignment", args=[assignment.pk])).content.decode()
    assert "85.5 分" in page and "85.50" not in page
    for criterion in campaign.criteria.all():
        assert f"{criterion.label}（0–" in page
    assert ".0 分）" not in page
    home = client.get(reverse("selection:expert")).content.decode()
    assert "85.5 分" in home and "85.50" not in home


def test_assignment_form_asks_to_choose(client, role_users):
    _scored(Phase.REVIEW)
    client.force_login(role_users[Role.ASSOCIATION_ADMIN])
    page = client.get(reverse("selection:manage_assignments", args=[2022])).content.decode()
    assert "---------" not in page and "请选择" in page


def test_selection_forms_with_choices_show_no_dashes(client, role_users):
    campaign = open_campaign()
    rec = submitted_recommendation(campaign)
    pages = [
        (role_users[Role.ASSOCIATION_ADMIN], reverse("selection:manage_settings", args=[2022])),
        (role_users[Role.PROFESSIONAL], reverse("selection:objection_new", args=[2022])),
        (user_with_role(Role.BASE_ADMIN, rec.organisation), reverse("selection:unit_new", args=[2022])),
    ]
    for user, url in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert "---------" not in response.content.decode(), url
