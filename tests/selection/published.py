"""A 2022 evaluation taken through the real services up to publication (sealed at confirmation),
for the tests of what stays final (test_sealed_results, test_corrections, test_teaching_credit_sealed)."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import employer_of
from courses import services as course_services
from courses.models import Course, Teacher
from selection import services
from selection.models import Campaign, Phase, Recommendation, Score, Vote
from tests.credits.factories import YearPolicyFactory
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, expert, full_marks, open_campaign, submitted_recommendation


def force_course_hours(course_id: int, hours) -> None:
    """Change a credited course's hours behind every guard, as a raw database edit would: the
    course is frozen (a trigger refuses it on PostgreSQL), and what these tests check is that the
    sealed result does not follow such an edit and that `verify_results` reports it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            Course.objects.filter(pk=course_id).update(hours=hours)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


@dataclass
class Evaluation:
    campaign: Campaign
    admin: object
    selected: Recommendation  # rank 1, selected (1 hour)
    other: Recommendation  # rank 2, not selected
    provider_admin: object
    person: object  # the selected course's linked teacher (张老师)
    teacher: Teacher  # linked, confirmed
    plain: Teacher  # second teacher of the selected course: no ID number
    experts: list


def advance_to(campaign: Campaign, admin, phase: str) -> Campaign:
    """Move through the phases as the association does (public notice ended for publication)."""
    order = [Phase.VOTING, Phase.OBJECTION, Phase.CONFIRMED, Phase.PUBLISHED]
    for step in order[order.index(Phase(campaign.phase)) + 1 if campaign.phase in order else 0 :]:
        if step == Phase.CONFIRMED:
            Campaign.objects.filter(pk=campaign.pk).update(objection_end=timezone.now() - datetime.timedelta(seconds=1))
            campaign.refresh_from_db()
        campaign = services.change_phase(campaign=campaign, to_phase=step, actor=admin, reason="测试")
        if step == phase:
            break
    return campaign


def evaluation(*, phase: str = Phase.PUBLISHED, year: int = 2022, hours: str = "1.0") -> Evaluation:
    YearPolicyFactory(year=year)
    admin = user_with_role(Role.ASSOCIATION_ADMIN, OrganisationFactory(association=True))
    campaign = open_campaign(year=year, phase=Phase.REVIEW, select_count=1)
    selected = submitted_recommendation(campaign, course=CourseFactory(hours=hours))
    other = submitted_recommendation(campaign)
    provider = selected.course.provider
    provider_admin = user_with_role(Role.BASE_ADMIN, provider)
    person = user_with_role(Role.PROFESSIONAL, name="张老师")
    teacher = course_services.save_teacher(
        actor=provider_admin, organisation=provider, name="张老师", id_number=person.id_number
    )
    teacher = course_services.confirm_teacher_link(user=person, teacher_id=teacher.pk)
    plain = course_services.save_teacher(actor=provider_admin, organisation=provider, name="李老师")
    selected.course.teachers.add(teacher, plain)
    experts = [expert(), expert()]
    for reviewer in experts:
        for rec, fraction in ((selected, 0.9), (other, 0.6)):
            services.submit_score(
                assignment=services.assign_expert(recommendation=rec, expert=reviewer),
                expert=reviewer,
                criteria=full_marks(campaign, fraction),
            )
    for _ in range(2):
        voter = user_with_role(Role.PROFESSIONAL)
        Vote.objects.create(campaign=campaign, recommendation=selected, voter=voter, employer=employer_of(voter))
    campaign = advance_to(campaign, admin, phase)
    return Evaluation(campaign, admin, selected, other, provider_admin, person, teacher, plain, experts)


def score_of(ev: Evaluation, reviewer, rec) -> Score:
    return Score.objects.get(assignment__expert=reviewer, assignment__recommendation=rec)
