"""Issue 23, the evaluation's pages: confirmations that say what happens (申报回避, a vote),
courses named alike shown with their unit, the expert's current task first, closed voting,
objections for anonymous visitors, weights as percentages and dates in the cn_date style."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from selection import services
from selection.models import Assignment, Campaign, ConflictOfInterest, Objection, Phase, Score, Vote, VoterBallot
from tests.factories import user_with_role
from tests.selection.factories import CourseFactory, expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db

SAME_TITLE = "数字经济与创新发展"


def _conflict_url(assignment):
    return reverse("selection:expert_conflict", args=[assignment.pk])


# 申报回避 --------------------------------------------------------------------------------------


def test_declaring_other_without_a_reason_is_refused_in_chinese_and_nothing_changes(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    me = expert()
    a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=me)
    client.force_login(me)
    for data in ({"type": "declared", "reason": "  "}, {"type": "declared", "reason": "", "confirm": "yes"}):
        response = client.post(_conflict_url(a), data)
        assert response.status_code == 200
        assert "选择“其他（本人申报）”时请填写回避理由。" in response.content.decode()
    assert Assignment.objects.filter(pk=a.pk).exists() and not ConflictOfInterest.objects.exists()


def test_the_service_also_requires_a_reason_for_other():
    campaign = open_campaign(phase=Phase.REVIEW)
    me = expert()
    a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=me)
    with pytest.raises(Exception, match="请填写回避理由"):
        services.declare_conflict(assignment=a, expert=me, type="declared", reason="")
    assert Assignment.objects.filter(pk=a.pk).exists()


def test_a_declaration_is_recorded_only_after_the_page_saying_what_happens(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    me = expert()
    rec = submitted_recommendation(campaign)
    a = services.assign_expert(recommendation=rec, expert=me)
    Score.objects.create(assignment=a, values=full_marks(campaign), total=Decimal("90"), submitted_at=timezone.now())
    client.force_login(me)
    data = {"type": "declared", "reason": "曾参与该课程的制作"}
    page = client.post(_conflict_url(a), data).content.decode()
    assert "确认申报回避" in page and rec.course.title in page
    assert "不能撤回" in page and "您已提交的评分将作废" in page
    assert Assignment.objects.filter(pk=a.pk).exists(), "nothing is recorded before the confirmation"
    response = client.post(_conflict_url(a), data | {"confirm": "yes"})
    assert response["Location"] == reverse("selection:expert")
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.type, conflict.reason) == ("declared", "曾参与该课程的制作")
    assert not Assignment.objects.filter(pk=a.pk).exists()


def test_no_conflict_type_is_preset(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    me = expert()
    a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=me)
    client.force_login(me)
    page = client.get(reverse("selection:expert_assignment", args=[a.pk])).content.decode()
    assert '<option value="" selected>请选择</option>' in page
    response = client.post(_conflict_url(a), {"confirm": "yes"})
    assert "请选择回避类型。" in response.content.decode() and Assignment.objects.exists()


def test_only_the_assigned_expert_of_this_campaign_declares(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    other_campaign = open_campaign(year=2023, phase=Phase.REVIEW)
    me, colleague = expert(), expert()
    a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=me)
    # The colleague is an expert too, assigned in another campaign: this assignment is not theirs.
    services.assign_expert(recommendation=submitted_recommendation(other_campaign), expert=colleague)
    data = {"type": "co_author", "confirm": "yes"}
    client.force_login(colleague)
    assert client.post(_conflict_url(a), data).status_code == 404
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.post(_conflict_url(a), data).status_code == 403
    client.logout()
    assert client.post(_conflict_url(a), data).status_code == 302
    assert Assignment.objects.filter(pk=a.pk).exists() and not ConflictOfInterest.objects.exists()
    client.force_login(me)
    assert client.get(_conflict_url(a)).status_code == 405
    client.post(_conflict_url(a), data)
    assert not Assignment.objects.filter(pk=a.pk).exists()


# A vote ----------------------------------------------------------------------------------------


def test_a_vote_is_counted_only_after_its_confirmation_which_names_course_and_unit(client):
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=3)
    rec = submitted_recommendation(campaign)
    voter = user_with_role(Role.PROFESSIONAL)
    client.force_login(voter)
    url = reverse("selection:vote_cast", args=[campaign.year, rec.pk])
    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        assert response.status_code == 200
        assert f"您将为《{rec.course.title}》（{rec.organisation.name}）投一票。" in page
        assert "不能撤回" in page and "您现在剩余 3 票，确认后剩余 2 票。" in page
    assert not Vote.objects.exists() and not VoterBallot.objects.exists()
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "投票成功" in response.content.decode() and "剩余票数：2" in response.content.decode()
    # Sent twice (a double tap): counted once.
    client.post(url, {"confirm": "yes"})
    assert Vote.objects.count() == 1 and VoterBallot.objects.get().used == 1
    # The confirmation page of a course already voted for is not shown again.
    assert client.get(url)["Location"] == reverse("selection:vote")


def test_votes_cast_only_by_professionals_for_candidates_of_this_campaign(client):
    campaign = open_campaign(phase=Phase.VOTING)
    other = open_campaign(year=2023, phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    elsewhere = submitted_recommendation(other)
    url = reverse("selection:vote_cast", args=[campaign.year, rec.pk])
    client.force_login(expert())
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    client.force_login(user_with_role(Role.PROFESSIONAL))
    wrong_campaign = reverse("selection:vote_cast", args=[campaign.year, elsewhere.pk])
    assert client.post(wrong_campaign, {"confirm": "yes"}).status_code == 404
    assert not Vote.objects.exists()


def test_after_voting_ends_the_vote_page_says_so_and_invites_no_vote(client):
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    voter = user_with_role(Role.PROFESSIONAL)
    services.cast_vote(campaign=campaign, recommendation=rec, voter=voter)
    other = submitted_recommendation(campaign)
    ended = timezone.now() - datetime.timedelta(hours=2)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.OBJECTION, voting_end=ended)
    client.force_login(voter)
    page = client.get(reverse("selection:vote")).content.decode()
    assert "投票已结束" in page
    assert f"{timezone.localtime(ended):%Y}年" in page and "剩余票数" not in page and "投一票" not in page
    assert reverse("selection:vote_cast", args=[campaign.year, other.pk]) not in page
    # Still named with its unit among my votes.
    assert f'{rec.course.title}<span class="muted">（{rec.organisation.name}）</span>' in page
    response = client.get(reverse("selection:vote_cast", args=[campaign.year, other.pk]), follow=True)
    assert "投票已结束。" in response.content.decode()
    assert client.post(reverse("selection:vote_cast", args=[campaign.year, other.pk]), {"confirm": "yes"})
    assert Vote.objects.count() == 1


def test_voting_window_past_in_the_voting_phase_is_ended_too(client):
    campaign = open_campaign(phase=Phase.VOTING, votes_per_voter=3)
    submitted_recommendation(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(voting_end=timezone.now() - datetime.timedelta(minutes=5))
    client.force_login(user_with_role(Role.PROFESSIONAL))
    page = client.get(reverse("selection:vote")).content.decode()
    assert "投票已结束" in page and "剩余票数" not in page and "投一票" not in page


def test_the_public_page_stops_inviting_votes_and_shows_anonymous_visitors_how_to_object(client):
    year = timezone.localdate().year
    campaign = open_campaign(year=year, phase=Phase.VOTING)
    page = client.get(reverse("selection:index")).content.decode()
    assert "参加网络投票" in page and "投票已结束" not in page
    Campaign.objects.filter(pk=campaign.pk).update(
        phase=Phase.OBJECTION, voting_end=timezone.now() - datetime.timedelta(hours=1)
    )
    login_then_object = reverse("accounts:login") + "?next=" + reverse("selection:objection_new", args=[year])
    for url in (reverse("selection:index"), reverse("selection:results", args=[year])):
        page = client.get(url).content.decode()
        assert "参加网络投票" not in page, url
        assert "如何提出异议" in page and login_then_object in page, url
    assert "投票已结束" in client.get(reverse("selection:index")).content.decode()
    client.force_login(user_with_role(Role.PROFESSIONAL))
    page = client.get(reverse("selection:results", args=[year])).content.decode()
    assert reverse("selection:objection_new", args=[year]) in page and login_then_object not in page


# Courses named alike ---------------------------------------------------------------------------


def _twins(campaign):
    return [submitted_recommendation(campaign, course=CourseFactory(title=SAME_TITLE)) for _ in range(2)]


def test_objection_form_and_my_objections_name_the_unit(client):
    campaign = open_campaign(phase=Phase.OBJECTION)
    one, two = _twins(campaign)
    filer = user_with_role(Role.PROFESSIONAL)
    client.force_login(filer)
    page = client.get(reverse("selection:objection_new", args=[campaign.year])).content.decode()
    for rec in (one, two):
        assert f"{SAME_TITLE}（{rec.organisation.name}）" in page
    Objection.objects.create(campaign=campaign, recommendation=two, filed_by=filer, reason="请核实")
    page = client.get(reverse("selection:my_objections")).content.decode()
    assert f"{SAME_TITLE}（{two.organisation.name}）" in page


def test_the_experts_tasks_name_the_unit_unless_the_review_is_blind(client):
    campaign = open_campaign(phase=Phase.REVIEW, blind_review=False)
    me = expert()
    for rec in _twins(campaign):
        services.assign_expert(recommendation=rec, expert=me)
    client.force_login(me)
    page = client.get(reverse("selection:expert")).content.decode()
    for rec in Campaign.objects.get(pk=campaign.pk).recommendations.all():
        assert rec.organisation.name in page


def test_the_association_ranking_names_the_unit(client):
    campaign = open_campaign(phase=Phase.VOTING)
    twins = _twins(campaign)
    services.compute_results(campaign=campaign)
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    page = client.get(reverse("selection:manage_campaign", args=[campaign.year])).content.decode()
    ranking = page[page.index("<h2>排名</h2>") :]
    for rec in twins:
        assert rec.organisation.name in ranking


# The expert's task list ------------------------------------------------------------------------


def test_open_tasks_of_the_current_campaign_come_first(client):
    year = timezone.localdate().year
    me = expert()
    old = open_campaign(year=year - 3, phase=Phase.PUBLISHED)
    other_open = open_campaign(year=year - 1, phase=Phase.REVIEW)
    current = open_campaign(year=year, phase=Phase.REVIEW)
    titles = {}
    for campaign, label in ((old, "往年"), (other_open, "去年待评"), (current, "今年待评"), (current, "今年已评")):
        rec = submitted_recommendation(campaign, course=CourseFactory(title=f"课程{label}"))
        a = Assignment.objects.create(recommendation=rec, expert=me)
        titles[label] = rec.course.title
        if label == "今年已评":
            Score.objects.create(
                assignment=a, values=full_marks(current), total=Decimal("80"), submitted_at=timezone.now()
            )
    client.force_login(me)
    page = client.get(reverse("selection:expert")).content.decode()
    order = sorted(titles.values(), key=page.index)
    assert order == [titles["今年待评"], titles["去年待评"], titles["今年已评"], titles["往年"]]
    first_row = re.search(r"<tr[^>]*data-task>(.*?)</tr>", page, re.S).group(0)
    assert "task-current" in first_row and "待评分" in first_row and "去评分" in first_row


def test_the_score_sheet_keeps_its_total_in_a_sticky_bar_and_the_server_refuses_out_of_range(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    me = expert()
    a = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=me)
    services.declare_review_principles(campaign=campaign, expert=me)
    client.force_login(me)
    url = reverse("selection:expert_assignment", args=[a.pk])
    page = client.get(url).content.decode()
    assert 'class="score-total-bar"' in page and "selection/selection.css" in page
    criterion = campaign.criteria.first()
    data = {f"c_{k}": v for k, v in full_marks(campaign).items()} | {f"c_{criterion.code}": criterion.max_score + 1}
    assert client.post(url, data).status_code == 200
    assert not Score.objects.exists()


# Weights as percentages ------------------------------------------------------------------------


def _settings_data(client, year):
    form = client.get(reverse("selection:manage_settings", args=[year])).context["form"]
    data = {"action": "settings"}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M:%S")
        data[name] = "" if value is None else value
    return data


def test_weights_are_entered_and_shown_as_percentages(client):
    campaign = services.create_campaign(year=2027)
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    url = reverse("selection:manage_settings", args=[2027])
    page = client.get(url).content.decode()
    assert 'name="expert_weight" value="70"' in page and 'name="vote_weight" value="30"' in page
    assert '<span class="input-suffix" aria-hidden="true">%</span>' in page and "专家评审权重（%）" in page
    data = _settings_data(client, 2027) | {"expert_weight": "60", "vote_weight": "40"}
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.expert_weight, campaign.vote_weight) == (Decimal("0.600"), Decimal("0.400"))
    page = client.get(reverse("selection:manage_campaign", args=[2027])).content.decode()
    assert "专家 60% / 投票 40%" in page


@pytest.mark.parametrize(
    ("expert_weight", "vote_weight", "message"),
    [
        ("70", "40", "专家评审权重与网络投票权重之和必须为 100%（现为 110%）。"),
        ("0.7", "0.3", "专家评审权重与网络投票权重之和必须为 100%（现为 1%）。"),
        ("120", "-20", "请填写 0 到 100 之间的百分数。"),
    ],
)
def test_weights_that_do_not_make_100_percent_are_refused_in_chinese(client, expert_weight, vote_weight, message):
    campaign = services.create_campaign(year=2027)
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    data = _settings_data(client, 2027) | {"expert_weight": expert_weight, "vote_weight": vote_weight}
    response = client.post(reverse("selection:manage_settings", args=[2027]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert "确认小数点前不超过" not in response.content.decode()
    campaign.refresh_from_db()
    assert (campaign.expert_weight, campaign.vote_weight) == (Decimal("0.700"), Decimal("0.300"))


def test_only_the_association_edits_weights(client):
    services.create_campaign(year=2027)
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    data = _settings_data(client, 2027) | {"expert_weight": "50", "vote_weight": "50"}
    for role in (Role.EXPERT, Role.PROFESSIONAL, Role.CITY_STAFF, Role.BASE_ADMIN):
        client.force_login(user_with_role(role))
        assert client.post(reverse("selection:manage_settings", args=[2027]), data).status_code == 403
    assert Campaign.objects.get(year=2027).expert_weight == Decimal("0.700")


# Campaign list dates ---------------------------------------------------------------------------


def test_the_campaign_list_writes_the_voting_window_in_chinese_dates(client):
    services.create_campaign(year=2026)
    campaign = Campaign.objects.get(year=2026)
    start, end = (timezone.localtime(d) for d in (campaign.voting_start, campaign.voting_end))
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    page = client.get(reverse("selection:manage")).content.decode()
    assert f"{start.year}年{start.month}月{start.day}日—{end.month}月{end.day}日" in page
    assert f"{start:%m-%d}" not in page


def test_under_blind_review_like_named_tasks_are_told_apart_by_number_not_unit(client):
    campaign = open_campaign(phase=Phase.REVIEW, blind_review=True)
    me = expert()
    twins = _twins(campaign)
    for rec in twins:
        services.assign_expert(recommendation=rec, expert=me)
    client.force_login(me)
    page = client.get(reverse("selection:expert")).content.decode()
    for rec in twins:
        assert f"推荐编号 {rec.pk}" in page and rec.organisation.name not in page


def test_a_date_range_leaves_out_the_repeated_year_and_dates_in_shanghai():
    from portal.formats import cn_date_range

    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    assert cn_date_range(datetime.date(2026, 12, 3), datetime.date(2026, 12, 18)) == "2026年12月3日—12月18日"
    assert cn_date_range(datetime.date(2026, 12, 28), datetime.date(2027, 1, 5)) == "2026年12月28日—2027年1月5日"
    # 2026-12-31 16:30 UTC is already 2027-01-01 in Shanghai.
    start = datetime.datetime(2026, 12, 20, tzinfo=shanghai)
    end = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)
    assert cn_date_range(start, end) == "2026年12月20日—2027年1月1日"
    assert cn_date_range(None, datetime.date(2026, 5, 1)) == "2026年5月1日"
