"""A phase and its window are one thing (issue 21 point 6): the settings form keeps seconds,
starting a phase opens its window, and cutting the current window or the 公示 short needs the
same recorded reason as ending a phase early."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Campaign, Objection, Phase, Score
from tests.factories import OrganisationFactory, user_with_role

from .factories import expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db

YEAR = 2040  # the default schedule of a year still to come: every window in the future


@pytest.fixture
def admin(db):
    return user_with_role(Role.ASSOCIATION_ADMIN, OrganisationFactory(association=True))


def _settings_as_the_browser_sends_them(client, year: int) -> dict:
    """What a browser posts back from the settings page untouched: each input's rendered value."""
    page = client.get(reverse("selection:manage_settings", args=[year]))
    html = page.content.decode()
    form = page.context["form"]
    data = {"action": "settings"}
    for name in form.fields:
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        if match and "datetime-local" in str(form[name]):
            data[name] = match.group(1)
        elif name == "blind_review":
            if form.initial.get(name):
                data[name] = "on"
        else:
            value = form.initial.get(name)
            data[name] = "" if value is None else value
    return data


def _in_order_around_now(phase: str) -> Campaign:
    """A 2022 campaign whose schedule runs in order with voting open now, in `phase`."""
    now = timezone.now().replace(microsecond=0)
    day = datetime.timedelta(days=1)
    campaign = services.create_campaign(
        year=2022,
        recommendation_deadline=now - 3 * day,
        review_start=now - 3 * day,
        review_end=now - 2 * day,
        voting_start=now - day,
        voting_end=now + day,
        objection_start=now + 2 * day,
        objection_end=now + 9 * day,
    )
    Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
    campaign.refresh_from_db()
    return campaign


def _settings_events():
    return AuditEvent.objects.filter(type=AuditEvent.Type.CAMPAIGN_SETTINGS_CHANGED)


def test_saving_the_settings_unchanged_keeps_every_23_59_59(client, admin):
    campaign = services.create_campaign(year=YEAR)
    client.force_login(admin)
    data = _settings_as_the_browser_sends_them(client, YEAR)
    assert data["recommendation_deadline"].endswith("T23:59:59")
    assert 'step="1"' in str(
        client.get(reverse("selection:manage_settings", args=[YEAR])).context["form"]["voting_end"]
    )
    response = client.post(reverse("selection:manage_settings", args=[YEAR]), data)
    assert response.status_code == 302
    after = Campaign.objects.get(pk=campaign.pk)
    for name in ("recommendation_deadline", "review_end", "voting_end", "objection_end"):
        assert getattr(after, name) == getattr(campaign, name)
        assert timezone.localtime(getattr(after, name)).strftime("%H:%M:%S") == "23:59:59"
    assert not _settings_events().exists()


def test_a_deadline_typed_with_seconds_is_stored_with_them(client, admin):
    services.create_campaign(year=YEAR)
    client.force_login(admin)
    data = _settings_as_the_browser_sends_them(client, YEAR)
    data["voting_end"] = f"{YEAR}-06-16T18:30:15"
    client.post(reverse("selection:manage_settings", args=[YEAR]), data)
    end = timezone.localtime(Campaign.objects.get(year=YEAR).voting_end)
    assert (end.day, end.hour, end.minute, end.second) == (16, 18, 30, 15)


def _expert_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _declare(campaign, user):
    services.declare_review_principles(campaign=campaign, expert=user)


def test_starting_review_early_on_its_page_opens_its_window_so_the_expert_can_score(client, admin):
    campaign = services.create_campaign(year=YEAR)
    rec = submitted_recommendation(campaign)
    reviewer = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    client.force_login(admin)
    confirm = client.get(reverse("selection:manage_phase", args=[YEAR, Phase.REVIEW])).content.decode()
    assert "提前开始" in confirm and "专家评审开始" in confirm and "推荐截止时间" in confirm
    client.post(
        reverse("selection:manage_phase", args=[YEAR, Phase.REVIEW]), {"reason": "推荐已全部报送，提前开始评审"}
    )
    campaign.refresh_from_db()
    assert campaign.phase == Phase.REVIEW
    now = timezone.now()
    assert campaign.review_start <= now and campaign.recommendation_deadline <= now
    transition = campaign.transitions.get(to_phase=Phase.REVIEW)
    assert transition.reason == "推荐已全部报送，提前开始评审"
    assert set(transition.moved_dates) == {"review_start", "recommendation_deadline"}
    old_start = datetime.datetime.fromisoformat(transition.moved_dates["review_start"][0])
    assert timezone.localtime(old_start).date() == datetime.date(YEAR, 5, 1)
    assert "提前开始" in client.get(reverse("selection:manage_campaign", args=[YEAR])).content.decode()
    _declare(campaign, reviewer)
    url = f"/api/v1/selection/assignments/{assignment.pk}/score/"
    response = _expert_client(reviewer).post(url, {"criteria": full_marks(campaign)}, format="json")
    assert response.status_code == 201, response.json()
    assert Score.objects.filter(assignment=assignment).exists()
    # The schedule stays in order, so the settings can still be saved.
    data = _settings_as_the_browser_sends_them(client, YEAR)
    assert client.post(reverse("selection:manage_settings", args=[YEAR]), data).status_code == 302


def test_starting_the_public_notice_early_opens_it_for_objections_but_publication_waits_for_its_end(client, admin):
    campaign = services.create_campaign(year=YEAR, min_expert_scores=1, select_count=1)
    rec = submitted_recommendation(campaign)
    for phase in (Phase.REVIEW, Phase.VOTING, Phase.OBJECTION):
        campaign = services.change_phase(campaign=campaign, to_phase=phase, actor=admin, reason="测试提前")
    assert campaign.objection_start <= timezone.now()
    assert timezone.localtime(campaign.objection_end).date() == datetime.date(YEAR, 6, 26)
    person = user_with_role(Role.PROFESSIONAL)
    client.force_login(person)
    client.post(reverse("selection:objection_new", args=[YEAR]), {"recommendation": rec.pk, "reason": "疑似非原创"})
    objection = Objection.objects.get()
    assert objection.filed_by == person
    services.answer_objection(objection=objection, answer="经核实为原创。", actor=admin)
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.CONFIRMED, actor=admin, reason="提前确认")
    client.force_login(admin)
    publish = reverse("selection:manage_phase", args=[YEAR, Phase.PUBLISHED])
    response = client.post(publish, {"reason": "急于发布"}, follow=True)
    assert "公示期尚未结束" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.CONFIRMED


def test_moving_voting_end_earlier_in_the_settings_needs_a_reason_that_is_recorded(client, admin):
    campaign = _in_order_around_now(Phase.VOTING)
    client.force_login(admin)
    url = reverse("selection:manage_settings", args=[2022])
    data = _settings_as_the_browser_sends_them(client, 2022)
    assert 'name="reason"' in str(client.get(url).context["form"]["reason"])  # hidden until needed
    assert "<textarea" not in str(client.get(url).context["form"]["reason"])
    early = timezone.localtime(timezone.now() + datetime.timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%S")
    data["voting_end"] = early
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "须填写理由" in body and '<textarea name="reason"' in body
    assert Campaign.objects.get(pk=campaign.pk).voting_end == campaign.voting_end
    assert not _settings_events().exists()
    data["reason"] = "省厅通知提前结束投票"
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert timezone.localtime(campaign.voting_end).strftime("%Y-%m-%dT%H:%M:%S") == early
    event = _settings_events().get()
    assert event.data["reason"] == "省厅通知提前结束投票" and event.actor == admin
    assert event.data["changed"] == ["voting_end"]


def test_moving_the_current_phase_end_later_needs_no_reason(admin):
    campaign = _in_order_around_now(Phase.VOTING)
    later = campaign.voting_end + datetime.timedelta(days=2)
    services.update_campaign_settings(
        campaign=campaign,
        actor=admin,
        voting_end=later,
        objection_start=later,
        objection_end=later + datetime.timedelta(days=7),
    )
    assert Campaign.objects.get(pk=campaign.pk).voting_end == later


def test_moving_the_current_phase_start_past_now_closes_it_and_needs_a_reason(admin):
    campaign = open_campaign(phase=Phase.REVIEW)
    later = timezone.now() + datetime.timedelta(hours=1)
    with pytest.raises(RuleBroken, match="须填写理由"):
        services.update_campaign_settings(campaign=campaign, actor=admin, review_start=later)


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.OBJECTION])
def test_shortening_the_public_notice_to_four_minutes_needs_a_reason(admin, phase):
    campaign = _in_order_around_now(phase)
    fields = {"objection_end": campaign.objection_start + datetime.timedelta(minutes=4)}
    with pytest.raises(RuleBroken, match="缩短结果公示期") as caught:
        services.update_campaign_settings(campaign=campaign, actor=admin, **fields)
    assert caught.value.code == "reason_required"
    assert Campaign.objects.get(pk=campaign.pk).objection_end == campaign.objection_end
    services.update_campaign_settings(campaign=campaign, actor=admin, reason="协会理事会决定缩短公示", **fields)
    assert Campaign.objects.get(pk=campaign.pk).objection_end == fields["objection_end"]
    assert _settings_events().get().data["reason"] == "协会理事会决定缩短公示"


def test_moving_the_public_notice_later_whole_needs_no_reason(admin):
    campaign = _in_order_around_now(Phase.REVIEW)
    week = datetime.timedelta(days=7)
    services.update_campaign_settings(
        campaign=campaign,
        actor=admin,
        objection_start=campaign.objection_start + week,
        objection_end=campaign.objection_end + week,
    )
    assert _settings_events().get().data.get("reason") is None


@pytest.mark.parametrize("role", [Role.EXPERT, Role.PROFESSIONAL, Role.BASE_ADMIN])
def test_other_roles_cannot_change_the_settings(client, role):
    campaign = open_campaign(phase=Phase.VOTING)
    client.force_login(user_with_role(role))
    data = {"action": "settings", "voting_end": "2022-01-01T00:00:00", "reason": "x"}
    assert client.post(reverse("selection:manage_settings", args=[2022]), data).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).voting_end == campaign.voting_end
