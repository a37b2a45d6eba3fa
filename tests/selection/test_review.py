from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from selection import selectors, services
from selection.exceptions import RuleBroken
from selection.models import Assignment, ConflictOfInterest, Criterion, Phase, Score
from tests.factories import MembershipFactory

from .factories import TeacherFactory, expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def test_expert_of_the_recommending_unit_is_never_assigned():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    colleague = expert()
    MembershipFactory(user=colleague, organisation=rec.organisation, role=Role.BASE_ADMIN)
    with pytest.raises(RuleBroken, match="本单位"):
        services.assign_expert(recommendation=rec, expert=colleague)
    assert services.auto_assign(campaign=campaign, per_course=3) == 0
    assert not Assignment.objects.exists()
    detected = ConflictOfInterest.objects.get(expert=colleague, recommendation=rec)
    assert (detected.type, detected.source) == (ConflictOfInterest.Type.SAME_UNIT, ConflictOfInterest.Source.DETECTED)


def test_former_unit_and_teacher_of_the_course_are_conflicts():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    former = expert()
    MembershipFactory(user=former, organisation=rec.organisation, role=Role.BASE_ADMIN, is_active=False)
    teacher = expert()
    rec.course.teachers.add(TeacherFactory(user=teacher))
    assert selectors.conflicts_for(expert=former, recommendation=rec) == [ConflictOfInterest.Type.FORMER_UNIT]
    assert selectors.conflicts_for(expert=teacher, recommendation=rec) == [ConflictOfInterest.Type.TEACHER]


def test_auto_assign_balances_n_experts_per_course():
    campaign = open_campaign(phase=Phase.REVIEW)
    recs = [submitted_recommendation(campaign) for _ in range(4)]
    experts = [expert() for _ in range(6)]
    created = services.auto_assign(campaign=campaign, per_course=3)
    assert created == 12
    for rec in recs:
        assert rec.assignments.count() == 3
    loads = [Assignment.objects.filter(expert=e).count() for e in experts]
    assert max(loads) - min(loads) <= 1
    assert services.auto_assign(campaign=campaign, per_course=3) == 0


def test_conflict_declaration_removes_the_assignment():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    e = expert()
    assignment = services.assign_expert(recommendation=rec, expert=e)
    services.declare_conflict(assignment=assignment, expert=e, type=ConflictOfInterest.Type.CO_AUTHOR, reason="合著")
    assert not Assignment.objects.exists()
    with pytest.raises(RuleBroken, match="合作者"):
        services.assign_expert(recommendation=rec, expert=e)


def test_score_sheet_adds_points_six_criteria_of_12_total_72():
    campaign = open_campaign(phase=Phase.REVIEW)
    rows = [{"code": f"c{i}", "label": f"指标{i}", "max_score": Decimal("12")} for i in range(6)]
    Criterion.objects.filter(campaign=campaign).delete()
    Criterion.objects.bulk_create(Criterion(campaign=campaign, order=i, **row) for i, row in enumerate(rows))
    e = expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    score = services.submit_score(assignment=assignment, expert=e, criteria={f"c{i}": "12" for i in range(6)})
    assert score.total == Decimal("72.00")
    score = services.submit_score(assignment=assignment, expert=e, criteria={f"c{i}": "10.5" for i in range(6)})
    assert score.total == Decimal("63.00")


def test_score_with_more_than_one_decimal_is_refused_and_nothing_is_stored():
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    with pytest.raises(ValidationError, match="一位小数"):
        services.submit_score(assignment=assignment, expert=e, criteria={**full_marks(campaign), "originality": "9.25"})
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [{"originality": "21"}, {"originality": "-1"}, {"originality": "abc"}, {"nonexistent": "1"}],
    ids=["above_max", "negative", "not_a_number", "unknown_criterion"],
)
def test_score_out_of_range_or_unknown_criterion_is_refused(bad):
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    with pytest.raises(ValidationError):
        services.submit_score(assignment=assignment, expert=e, criteria={**full_marks(campaign), **bad})
    assert not Score.objects.exists()


def test_scoring_outside_the_review_window_is_refused():
    campaign = open_campaign(phase=Phase.VOTING)
    rec = submitted_recommendation(campaign)
    e = expert()
    assignment = Assignment.objects.create(recommendation=rec, expert=e)
    with pytest.raises(RuleBroken, match="评审时间"):
        services.submit_score(assignment=assignment, expert=e, criteria=full_marks(campaign))
    assert not Score.objects.exists()


def test_scoring_a_course_not_assigned_to_you_is_refused():
    campaign = open_campaign(phase=Phase.REVIEW)
    e, other = expert(), expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    with pytest.raises(ValidationError):
        services.submit_score(assignment=assignment, expert=other, criteria=full_marks(campaign))
    assert not Score.objects.exists()


def test_score_form_adds_points_live_and_the_server_checks_the_sum(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    services.declare_review_principles(campaign=campaign, expert=e)
    client.force_login(e)
    url = reverse("selection:expert_assignment", args=[assignment.pk])
    body = client.get(url).content.decode()
    assert "selection/score-total.js" in body and "data-score-total" in body
    assert body.count("data-points") == campaign.criteria.count()
    values = {f"c_{code}": str(Decimal(v).quantize(Decimal("0.1"))) for code, v in full_marks(campaign, 0.5).items()}
    client.post(url, {**values, "comment": "好"})
    assert Score.objects.get().total == Decimal("50.00")
    # A value above the criterion's maximum is refused by the server, whatever the page did.
    client.post(url, {**values, "c_originality": "21"})
    assert Score.objects.get().total == Decimal("50.00")
