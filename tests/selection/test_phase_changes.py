"""Phase changes are deliberate (issue 12 point 5): a confirmation page, a recorded reason when a
phase ends before its published end, and publication only after 公示 with every objection answered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Assignment, Campaign, Objection, Phase, Score, Vote
from tests.credits.factories import YearPolicyFactory
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import TeacherFactory, expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db

PAST = {"seconds": 1}


@pytest.fixture
def admin(db):
    return user_with_role(Role.ASSOCIATION_ADMIN, OrganisationFactory(association=True))


def _end_now(campaign: Campaign, field: str) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(**{field: timezone.now() - datetime.timedelta(**PAST)})
    campaign.refresh_from_db()
    return campaign


def test_confirmation_page_shows_schedule_effects_anomalies_and_open_objections(client, admin):
    campaign = open_campaign(phase=Phase.VOTING, anomaly_votes_per_hour=2)
    rec = submitted_recommendation(campaign)
    employer = OrganisationFactory(name="浪潮集团（测试）")
    for _ in range(2):
        Vote.objects.create(
            campaign=campaign, recommendation=rec, voter=user_with_role(Role.PROFESSIONAL, employer), employer=employer
        )
    client.force_login(admin)
    body = client.get(reverse("selection:manage_phase", args=[campaign.year, Phase.OBJECTION])).content.decode()
    end = timezone.localtime(campaign.voting_end)
    assert "公布的日程" in body and f"{end.year}年{end.month}月{end.day}日 {end:%H:%M:%S}" in body
    assert "拟入选名单在结果页面公示" in body
    assert "浪潮集团（测试）" in body
    assert "提前结束" in body
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.VOTING  # a GET changes nothing


def test_ending_a_phase_early_needs_a_reason_which_is_recorded(client, admin):
    campaign = open_campaign(phase=Phase.VOTING)
    submitted_recommendation(campaign)
    client.force_login(admin)
    url = reverse("selection:manage_phase", args=[campaign.year, Phase.OBJECTION])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "提前结束须填写理由" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.VOTING
    client.post(url, {"reason": "投票平台故障后经厅里同意提前结束"})
    campaign.refresh_from_db()
    assert campaign.phase == Phase.OBJECTION
    assert campaign.transitions.get(to_phase=Phase.OBJECTION).reason == "投票平台故障后经厅里同意提前结束"
    event = AuditEvent.objects.filter(type=AuditEvent.Type.PHASE_CHANGED).latest("created_at")
    assert event.data["reason"] == "投票平台故障后经厅里同意提前结束" and event.actor == admin


def test_after_the_published_end_no_reason_is_needed(admin):
    campaign = _end_now(open_campaign(phase=Phase.VOTING), "voting_end")
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.OBJECTION, actor=admin)
    assert campaign.phase == Phase.OBJECTION and campaign.transitions.last().reason == ""


def test_voting_cannot_start_while_a_course_lacks_the_minimum_scores_unless_a_reason_is_recorded(admin):
    campaign = _end_now(open_campaign(phase=Phase.REVIEW, min_expert_scores=2), "review_end")
    rec = submitted_recommendation(campaign)
    reviewer = expert()
    a = services.assign_expert(recommendation=rec, expert=reviewer)
    Campaign.objects.filter(pk=campaign.pk).update(review_end=timezone.now() + datetime.timedelta(hours=1))
    services.submit_score(assignment=a, expert=reviewer, criteria=full_marks(campaign))
    campaign = _end_now(campaign, "review_end")
    preview = services.phase_change_preview(campaign=campaign, to_phase=Phase.VOTING)
    assert [r.pk for r in preview["lacking_scores"]] == [rec.pk]
    with pytest.raises(RuleBroken, match="专家评分少于 2 份"):
        services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin)
    campaign = services.change_phase(
        campaign=campaign, to_phase=Phase.VOTING, actor=admin, reason="专家不足，协会决定继续"
    )
    assert campaign.phase == Phase.VOTING


def test_publication_needs_the_public_notice_over_and_shows_who_gets_hours_and_certificates(client, admin):
    YearPolicyFactory(year=2022)
    campaign = open_campaign(phase=Phase.REVIEW, select_count=1)
    rec = submitted_recommendation(campaign)
    linked = TeacherFactory(name="已确认教师", user=user_with_role(Role.PROFESSIONAL))
    unlinked = TeacherFactory(name="未关联教师")
    rec.course.teachers.add(linked, unlinked)
    reviewer = expert()
    services.submit_score(
        assignment=services.assign_expert(recommendation=rec, expert=reviewer),
        expert=reviewer,
        criteria=full_marks(campaign),
    )
    for phase in (Phase.VOTING, Phase.OBJECTION):
        campaign = services.change_phase(campaign=campaign, to_phase=phase, actor=admin, reason="测试")
    Objection.objects.create(campaign=campaign, filed_by=user_with_role(Role.PROFESSIONAL), reason="异议")
    client.force_login(admin)
    confirm = reverse("selection:manage_phase", args=[campaign.year, Phase.CONFIRMED])
    assert "异议" in client.get(confirm).content.decode()
    response = client.post(confirm, {"reason": "提前确认"}, follow=True)
    assert "未答复的异议" in response.content.decode()
    services.answer_objection(objection=Objection.objects.get(), answer="已核实", actor=admin)
    client.post(confirm, {"reason": "提前确认"})
    campaign.refresh_from_db()
    assert campaign.phase == Phase.CONFIRMED
    publish = reverse("selection:manage_phase", args=[campaign.year, Phase.PUBLISHED])
    page = client.get(publish).content.decode()
    assert "已确认教师" in page and "已匹配账号，计入学时" in page
    assert "未关联教师" in page and "提供单位未填写该教师的身份证号" in page
    # Even with a reason, publication waits for the end of 公示.
    response = client.post(publish, {"reason": "急于发布"}, follow=True)
    assert "公示期尚未结束" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.CONFIRMED
    _end_now(campaign, "objection_end")
    client.post(publish, {"reason": ""})
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.PUBLISHED


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BASE_ADMIN, Role.PROFESSIONAL, Role.CITY_STAFF])
def test_other_roles_can_neither_see_nor_perform_a_phase_change(client, role):
    campaign = open_campaign(phase=Phase.VOTING)
    url = reverse("selection:manage_phase", args=[campaign.year, Phase.OBJECTION])
    client.force_login(user_with_role(role))
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "试试"}).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.VOTING
    client.logout()
    assert client.post(url, {"reason": "试试"}).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.VOTING


def test_an_unknown_phase_is_not_found(client, admin):
    campaign = open_campaign(phase=Phase.VOTING)
    client.force_login(admin)
    assert client.get(reverse("selection:manage_phase", args=[campaign.year, "finished"])).status_code == 404


@pytest.mark.parametrize("n", [1, 4])
def test_publication_confirmation_page_query_count_is_flat(n, client, admin):
    campaign = open_campaign(phase=Phase.CONFIRMED, select_count=n)
    for i in range(n):
        rec = submitted_recommendation(campaign)
        rec.course.teachers.add(TeacherFactory(id_number=f"37010219900101{i:03d}X"), TeacherFactory())
        Objection.objects.create(campaign=campaign, recommendation=rec, filed_by=admin, reason="异议")
        a = Assignment.objects.create(recommendation=rec, expert=expert())
        Score.objects.create(assignment=a, values={}, total=80 + i, submitted_at=timezone.now())
    services.compute_results(campaign=campaign, version=1)  # sealed, as at confirmation
    client.force_login(admin)
    url = reverse("selection:manage_phase", args=[campaign.year, Phase.PUBLISHED])
    client.get(url)
    # session, user, roles; campaign; open objections (with course); latest snapshot (sealed: the
    # courses and teachers as sealed); selected results; the sealed teachers' rows now; accounts
    # for the proposed ID numbers
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "selection_campaign",
        "selection_objection",
        "selection_resultsnapshot",
        "selection_result",
        "courses_teacher",
        "accounts_user",
    ):
        body = client.get(url).content.decode()
    assert body.count("未匹配") == 2 * n


def test_moving_a_published_end_is_logged_with_before_and_after(admin):
    campaign = services.create_campaign(year=2032)
    old_end = campaign.voting_end
    new_end = old_end + datetime.timedelta(days=1)
    services.update_campaign_settings(campaign=campaign, actor=admin, voting_end=new_end)
    event = AuditEvent.objects.filter(data__changed=["voting_end"]).get()
    assert datetime.datetime.fromisoformat(event.data["old"]["voting_end"]) == old_end
    assert datetime.datetime.fromisoformat(event.data["new"]["voting_end"]) == new_end
    assert event.actor == admin
