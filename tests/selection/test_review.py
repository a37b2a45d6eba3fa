from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Assignment, ConflictOfInterest, Phase, Score
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
    assert services.conflicts_for(expert=former, recommendation=rec) == [ConflictOfInterest.Type.FORMER_UNIT]
    assert services.conflicts_for(expert=teacher, recommendation=rec) == [ConflictOfInterest.Type.TEACHER]


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


def test_score_is_weighted_rubric_total_out_of_100():
    campaign = open_campaign(phase=Phase.REVIEW)
    e = expert()
    assignment = services.assign_expert(recommendation=submitted_recommendation(campaign), expert=e)
    score = services.submit_score(assignment=assignment, expert=e, criteria=full_marks(campaign, 0.5), comment="好")
    assert score.total == Decimal("50.00")
    criteria = list(campaign.criteria.all())
    criteria[0].weight = Decimal("3")
    values = {c.code: Decimal("0") for c in criteria}
    values[criteria[0].code] = criteria[0].max_score
    # 1 x 3 / (3 + 5) x 100
    assert services.rubric_total(criteria=criteria, values=values) == Decimal("37.50")


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
