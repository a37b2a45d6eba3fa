"""Conflicts of interest are checked at every read and write of an expert's work, not only at
assignment (issue 12 point 1): lists, assignment page, score form and score API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Role
from courses import services as course_services
from selection import selectors, services
from selection.exceptions import RuleBroken
from selection.models import Assignment, ConflictOfInterest, Phase, ReleasedAssignment, Score
from tests.factories import MembershipFactory, OrganisationFactory, user_with_role

from .factories import TeacherFactory, expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _score_url(assignment) -> str:
    return f"/api/v1/selection/assignments/{assignment.pk}/score/"


def test_an_expert_made_a_teacher_after_assignment_cannot_score(client, django_capture_on_commit_callbacks):
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    reviewer = expert()
    spare = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    services.submit_score(assignment=assignment, expert=reviewer, criteria=full_marks(campaign))

    # The provider proposes the expert as the course's teacher; the expert confirms it.
    provider_admin = user_with_role(Role.BASE_ADMIN, rec.course.provider)
    teacher = course_services.save_teacher(
        actor=provider_admin, organisation=rec.course.provider, name=reviewer.name, id_number=reviewer.id_number
    )
    rec.course.teachers.add(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=reviewer, teacher_id=teacher.pk)

    # The assignment and its score are gone, the association is told, another expert takes over.
    assert not Assignment.objects.filter(expert=reviewer).exists() and not Score.objects.exists()
    released = ReleasedAssignment.objects.get()
    assert (released.expert, released.types, released.had_score, released.replacements) == (
        reviewer,
        [ConflictOfInterest.Type.TEACHER],
        True,
        1,
    )
    assert Assignment.objects.filter(recommendation=rec, expert=spare).exists()
    assert AuditEvent.objects.filter(data__event="assignment_released_for_conflict").exists()

    # Every surface answers "not found": score API, score form, list.
    assert (
        api(reviewer).post(_score_url(assignment), {"criteria": full_marks(campaign)}, format="json").status_code == 404
    )
    client.force_login(reviewer)
    assert client.get(reverse("selection:expert_assignment", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("selection:expert_assignment", args=[assignment.pk]), {}).status_code == 404
    assert rec.course.title not in client.get(reverse("selection:expert")).content.decode()
    assert client.get(reverse("selection:recommendation", args=[rec.pk])).status_code == 404
    # The association sees the notice on its pages.
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    for page in ("selection:manage_assignments", "selection:manage_campaign"):
        body = client.get(reverse(page, args=[campaign.year])).content.decode()
        assert "因利益冲突撤销的评审分配" in body and "本课程授课教师" in body, page


@pytest.mark.parametrize(
    "surface",
    ["api", "form", "list"],
)
def test_a_conflict_that_appears_without_any_signal_is_caught_on_the_next_read(surface, client):
    """The expert joins the teacher's unit after assignment (a membership, no teacher edit)."""
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    hospital = OrganisationFactory(name="某医院（测试）")
    rec.course.teachers.add(TeacherFactory(current_unit=hospital))
    reviewer = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    MembershipFactory(user=reviewer, organisation=hospital, role=Role.EMPLOYER_ADMIN)
    if surface == "api":
        response = api(reviewer).post(_score_url(assignment), {"criteria": full_marks(campaign)}, format="json")
        assert response.status_code == 404
    elif surface == "form":
        client.force_login(reviewer)
        assert client.get(reverse("selection:expert_assignment", args=[assignment.pk])).status_code == 404
    else:
        client.force_login(reviewer)
        assert rec.course.title not in client.get(reverse("selection:expert")).content.decode()
    assert not Score.objects.exists() and not Assignment.objects.filter(expert=reviewer).exists()
    assert ReleasedAssignment.objects.get().types == [ConflictOfInterest.Type.COLLEAGUE]


def test_the_score_service_refuses_a_conflicted_expert_even_if_called_directly():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    reviewer = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    rec.course.teachers.add(TeacherFactory(user=reviewer))
    with pytest.raises(RuleBroken, match="利益冲突"):
        services.submit_score(assignment=assignment, expert=reviewer, criteria=full_marks(campaign))
    assert not Score.objects.exists()


def test_teachers_units_and_former_units_are_detected_not_declared():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    hospital, university, institute = (OrganisationFactory() for _ in range(3))
    teacher = TeacherFactory(current_unit=hospital)
    teacher.former_units.add(university)
    rec.course.teachers.add(teacher)
    colleague, former_colleague, left_hospital, stranger = expert(), expert(), expert(), expert()
    MembershipFactory(user=colleague, organisation=hospital, role=Role.PROFESSIONAL)
    MembershipFactory(user=former_colleague, organisation=university, role=Role.PROFESSIONAL)
    MembershipFactory(user=left_hospital, organisation=hospital, role=Role.EMPLOYER_ADMIN, is_active=False)
    MembershipFactory(user=stranger, organisation=institute, role=Role.PROFESSIONAL)
    conflicts = {e: selectors.conflicts_for(expert=e, recommendation=rec) for e in (colleague, former_colleague)}
    assert conflicts == {
        colleague: [ConflictOfInterest.Type.COLLEAGUE],
        former_colleague: [ConflictOfInterest.Type.FORMER_COLLEAGUE],
    }
    assert selectors.conflicts_for(expert=left_hospital, recommendation=rec) == [
        ConflictOfInterest.Type.FORMER_COLLEAGUE
    ]
    assert selectors.conflicts_for(expert=stranger, recommendation=rec) == []
    # Automatic assignment uses the same rule.
    assert services.auto_assign(campaign=campaign, per_course=4) == 1
    assert list(rec.assignments.values_list("expert", flat=True)) == [stranger.pk]


def test_an_unconfirmed_proposal_is_not_yet_a_conflict():
    """The link (and so the exclusion) takes effect only when the person confirms it."""
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    reviewer = expert()
    rec.course.teachers.add(TeacherFactory(id_number=reviewer.id_number))
    assert selectors.conflicts_for(expert=reviewer, recommendation=rec) == []


def test_moving_to_voting_drops_scores_of_experts_whose_conflict_appeared_meanwhile():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    reviewer = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    services.submit_score(assignment=assignment, expert=reviewer, criteria=full_marks(campaign))
    rec.course.teachers.add(TeacherFactory(user=reviewer))
    admin = user_with_role(Role.ASSOCIATION_ADMIN)
    services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin, reason="测试")
    assert not Score.objects.exists() and ReleasedAssignment.objects.filter(expert=reviewer).exists()


def test_a_free_text_workplace_matching_a_units_name_or_short_name_is_a_conflict_too():
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    hospital = OrganisationFactory(name="山东第一医科大学附属省立医院（测试）", short_name="省立医院（测试）")
    rec.course.teachers.add(TeacherFactory(unit=" 省立医院（测试） "))
    reviewer = expert()
    MembershipFactory(user=reviewer, organisation=hospital, role=Role.PROFESSIONAL)
    assert selectors.conflicts_for(expert=reviewer, recommendation=rec) == [ConflictOfInterest.Type.COLLEAGUE]
