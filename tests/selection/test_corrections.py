"""Issue 21 item 1: changing a sealed result is a correction by the association with a reason: a
new snapshot version from the live data, published as a 更正记录, audited, and the teaching
credits follow it."""

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.selectors import employer_of
from courses import services as course_services
from credits.models import HourRecord, YearSummary
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Phase, ResultSnapshot, Score, TeachingCredit, Vote
from tests.factories import user_with_role

from .factories import expert
from .published import evaluation, force_course_hours

pytestmark = pytest.mark.django_db


def flip_the_ranking(ev) -> None:
    """Live edits after publication that a correction would take in: the other course scores top
    and has the most votes."""
    Score.objects.filter(assignment__recommendation=ev.other).update(total=Decimal("100.00"))
    for _ in range(3):
        voter = user_with_role(Role.PROFESSIONAL)
        Vote.objects.create(campaign=ev.campaign, recommendation=ev.other, voter=voter, employer=employer_of(voter))


def test_a_correction_makes_a_new_version_published_as_a_correction_record():
    ev = evaluation()
    flip_the_ranking(ev)
    snapshot = services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="专家评分录入错误，经核实更正")
    assert snapshot.version == 2 and snapshot.reason == "专家评分录入错误，经核实更正"
    title, other = ev.selected.course.title, ev.other.course.title
    assert f"《{other}》入选。" in snapshot.changes and f"《{title}》不再入选。" in snapshot.changes
    assert f"《{title}》排名由 1 变为 2。" in snapshot.changes
    event = AuditEvent.objects.get(data__event="results_corrected")
    assert (event.actor, event.data["version"], event.data["reason"]) == (ev.admin, 2, "专家评分录入错误，经核实更正")

    page = Client().get(reverse("selection:results", args=[2022])).content.decode()
    assert "更正记录" in page and "第 2 版" in page and "专家评分录入错误，经核实更正" in page
    assert f"《{other}》入选。" in page
    local = snapshot.created_at.astimezone(ZoneInfo("Asia/Shanghai"))  # Beijing time on the page
    assert local.strftime("%H:%M") in page
    body = Client().get(f"/api/v1/selection/campaigns/{ev.campaign.pk}/results/").json()
    assert body["corrections"][0]["version"] == 2
    assert [r["recommendation"] for r in body["results"] if r["selected"]] == [ev.other.pk]


def test_teaching_credits_follow_a_correction(django_capture_on_commit_callbacks):
    ev = evaluation()
    newcomer = user_with_role(Role.PROFESSIONAL, name="王老师")
    row = course_services.save_teacher(
        actor=user_with_role(Role.BASE_ADMIN, ev.other.course.provider),
        organisation=ev.other.course.provider,
        name="王老师",
        id_number=newcomer.id_number,
    )
    ev.other.course.teachers.add(row)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=newcomer, teacher_id=row.pk)
    assert not HourRecord.objects.filter(professional=newcomer).exists()  # not sealed, not selected
    flip_the_ranking(ev)
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="更正")
    old = TeachingCredit.objects.get(person=ev.person)
    assert (old.status, old.end_cause, old.ended_by) == ("reversed", "correction", ev.admin)
    assert YearSummary.objects.get(professional=ev.person, year=2022).public_hours == 0
    new = TeachingCredit.objects.get(person=newcomer)
    assert (new.status, new.cause, new.actor, new.hours) == ("credited", "correction", ev.admin, Decimal("6.0"))
    assert AuditEvent.objects.filter(data__event="teaching_credit_reversed", data__cause="correction").exists()


def test_corrected_hours_reverse_and_credit_again_at_the_new_sealed_hours():
    ev = evaluation()
    force_course_hours(ev.selected.course_id, Decimal("2.0"))
    snapshot = services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="学时更正")
    assert f"《{ev.selected.course.title}》学时由 1.0 变为 2.0。" in snapshot.changes
    assert YearSummary.objects.get(professional=ev.person, year=2022).public_hours == Decimal("4.0")
    assert TeachingCredit.objects.filter(person=ev.person, status="credited").get().hours == Decimal("4.0")


def test_a_correction_needs_a_reason_and_changes_nothing_without_one():
    ev = evaluation()
    with pytest.raises(ValidationError, match="请填写更正理由"):
        services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="  ")
    assert ResultSnapshot.objects.filter(campaign=ev.campaign).count() == 2  # 公示, then sealed


@pytest.mark.parametrize("role", ["provider", "expert", "professional"])
def test_only_the_association_corrects(role):
    ev = evaluation()
    actor = {
        "provider": ev.provider_admin,
        "expert": expert(),
        "professional": user_with_role(Role.PROFESSIONAL),
    }[role]
    with pytest.raises(PermissionDenied):
        services.correct_results(campaign=ev.campaign, actor=actor, reason="更正")
    client = Client()
    client.force_login(actor)
    response = client.post(reverse("selection:manage_correct", args=[2022]), {"reason": "更正"})
    assert response.status_code in (403, 404)
    assert not ResultSnapshot.objects.filter(version=2).exists()


def test_the_association_corrects_from_the_campaign_page(client):
    ev = evaluation()
    client.force_login(ev.admin)
    page = client.get(reverse("selection:manage_campaign", args=[2022])).content.decode()
    assert "更正理由" in page
    response = client.post(reverse("selection:manage_correct", args=[2022]), {"reason": "复核更正"}, follow=True)
    assert "已生成第 2 版结果" in response.content.decode()
    assert ResultSnapshot.objects.get(version=2).created_by == ev.admin


def test_a_result_not_yet_sealed_is_not_corrected_but_goes_through_the_notice():
    ev = evaluation(phase=Phase.OBJECTION)
    with pytest.raises(RuleBroken, match="结果确认（封存）后才能更正"):
        services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="更正")
