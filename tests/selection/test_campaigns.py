import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Campaign, Criterion, Phase
from tests.factories import user_with_role

from .factories import open_campaign

pytestmark = pytest.mark.django_db


def test_weights_must_sum_to_one():
    with pytest.raises(ValidationError, match="之和必须等于 1"):
        services.create_campaign(year=2023, expert_weight=Decimal("0.7"), vote_weight=Decimal("0.4"))
    campaign = services.create_campaign(year=2023)
    with pytest.raises(ValidationError):
        services.update_campaign_settings(campaign=campaign, actor=None, vote_weight=Decimal("0.5"))
    campaign.refresh_from_db()
    assert campaign.vote_weight == Decimal("0.300")


def test_schedule_must_run_in_order():
    campaign = services.create_campaign(year=2023)
    with pytest.raises(ValidationError, match="依次排列"):
        services.update_campaign_settings(
            campaign=campaign, actor=None, voting_start=campaign.review_start - datetime.timedelta(days=1)
        )


def test_one_campaign_per_year():
    services.create_campaign(year=2023)
    with pytest.raises(ValidationError, match="已存在"):
        services.create_campaign(year=2023)


def test_weights_frozen_during_public_notice_and_everything_after_confirmation():
    campaign = open_campaign(phase=Phase.OBJECTION)
    with pytest.raises(RuleBroken, match="权重"):
        services.update_campaign_settings(
            campaign=campaign, actor=None, expert_weight=Decimal("0.6"), vote_weight=Decimal("0.4")
        )
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.CONFIRMED)
    with pytest.raises(RuleBroken, match="不能再修改"):
        services.update_campaign_settings(campaign=campaign, actor=None, title="新名称")


def test_rubric_editable_only_before_review():
    campaign = services.create_campaign(year=2023)
    rows = [{"code": "a", "label": "原创性", "max_score": Decimal("50"), "weight": Decimal("2")}]
    services.update_rubric(campaign=campaign, rows=rows, actor=None)
    assert list(campaign.criteria.values_list("code", flat=True)) == ["a"]
    with pytest.raises(ValidationError, match="重复"):
        services.update_rubric(campaign=campaign, rows=rows * 2, actor=None)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.REVIEW)
    with pytest.raises(RuleBroken):
        services.update_rubric(campaign=campaign, rows=rows, actor=None)
    assert Criterion.objects.filter(campaign=campaign).count() == 1


def test_admin_creates_campaign_and_edits_settings_and_rubric_on_pages(client):
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    response = client.post(reverse("selection:manage_new"), {"year": 2027, "title": ""})
    campaign = Campaign.objects.get(year=2027)
    assert response["Location"] == reverse("selection:manage_settings", args=[2027])
    assert campaign.criteria.count() == 6
    page = client.get(reverse("selection:manage_settings", args=[2027]))
    form = page.context["form"]
    data = {"action": "settings"}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M:%S")
        data[name] = "" if value is None else value
    data["votes_per_voter"] = 8
    client.post(reverse("selection:manage_settings", args=[2027]), data)
    campaign.refresh_from_db()
    assert campaign.votes_per_voter == 8
    rubric = {
        "action": "rubric",
        "criteria-TOTAL_FORMS": 1,
        "criteria-INITIAL_FORMS": 0,
        "criteria-0-code": "quality",
        "criteria-0-label": "课程质量",
        "criteria-0-max_score": "100",
        "criteria-0-weight": "1",
    }
    client.post(reverse("selection:manage_settings", args=[2027]), rubric)
    assert list(campaign.criteria.values_list("label", flat=True)) == ["课程质量"]
    # Staff see names and points, never the stored code; a new row gets one by itself.
    page = client.get(reverse("selection:manage_settings", args=[2027])).content.decode()
    assert 'type="hidden" name="criteria-0-code" value="quality"' in page and "代码" not in page
    rubric["criteria-TOTAL_FORMS"] = 2
    rubric.update({"criteria-1-code": "", "criteria-1-label": "教学效果", "criteria-1-max_score": "20"})
    rubric["criteria-0-max_score"] = "80"
    client.post(reverse("selection:manage_settings", args=[2027]), rubric)
    assert sorted(campaign.criteria.values_list("label", "code")) == [("教学效果", "k1"), ("课程质量", "quality")]
