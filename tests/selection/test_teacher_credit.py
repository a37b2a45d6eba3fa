"""Teachers' 2 x hours (issue 11 point 5): at publication, teachers of selected courses are
credited through the account they confirmed (matched by ID number); the others are listed for the
association with the reason, and credited once, automatically, when the link appears later."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from courses import services as course_services
from credits.models import HourRecord, YearPolicy
from selection import selectors, services
from selection.models import Campaign, Phase
from tests.credits.factories import YearPolicyFactory
from tests.factories import OrganisationFactory, user_with_role, valid_id_number

from .factories import CourseFactory, TeacherFactory, expert, full_marks, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


def teaching_records():
    return HourRecord.objects.filter(source=HourRecord.Source.TEACHING)


@pytest.fixture
def published(db):
    """A published campaign whose one selected course (3 hours) has four teachers: confirmed,
    proposed but not yet confirmed, an ID number without an account, and no ID number."""
    YearPolicyFactory(year=2022)
    admin = user_with_role(Role.ASSOCIATION_ADMIN, OrganisationFactory(association=True))
    campaign = open_campaign(phase=Phase.REVIEW, select_count=1)
    rec = submitted_recommendation(campaign)
    provider = rec.course.provider
    provider_admin = user_with_role(Role.BASE_ADMIN, provider)
    confirmed_person = user_with_role(Role.PROFESSIONAL, name="甲")
    waiting_person = user_with_role(Role.PROFESSIONAL, name="乙")
    teachers = {
        "confirmed": course_services.save_teacher(
            actor=provider_admin, organisation=provider, name="甲", id_number=confirmed_person.id_number
        ),
        "waiting": course_services.save_teacher(
            actor=provider_admin, organisation=provider, name="乙", id_number=waiting_person.id_number
        ),
        "no_account": course_services.save_teacher(
            actor=provider_admin, organisation=provider, name="丙", id_number=valid_id_number(987654)
        ),
        "no_id": course_services.save_teacher(actor=provider_admin, organisation=provider, name="丁"),
    }
    teachers["confirmed"] = course_services.confirm_teacher_link(
        user=confirmed_person, teacher_id=teachers["confirmed"].pk
    )
    rec.course.teachers.add(*teachers.values())
    reviewer = expert()
    services.submit_score(
        assignment=services.assign_expert(recommendation=rec, expert=reviewer),
        expert=reviewer,
        criteria=full_marks(campaign),
    )
    for phase in (Phase.VOTING, Phase.OBJECTION):
        campaign = services.change_phase(campaign=campaign, to_phase=phase, actor=admin, reason="测试")
    Campaign.objects.filter(pk=campaign.pk).update(objection_end=timezone.now() - datetime.timedelta(seconds=1))
    campaign.refresh_from_db()
    services.change_phase(campaign=campaign, to_phase=Phase.CONFIRMED, actor=admin)
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.PUBLISHED, actor=admin)
    return campaign, teachers, admin, waiting_person


def test_only_the_confirmed_teacher_is_credited_at_publication(published):
    _campaign, teachers, _admin, _waiting = published
    assert list(teaching_records().values_list("professional", "hours")) == [
        (teachers["confirmed"].user_id, Decimal("6.0"))
    ]


def test_unmatched_teachers_are_listed_for_the_association_with_the_reason(client, published):
    campaign, _teachers, admin, _waiting = published
    reasons = {row["teacher"].name: row["reason"] for row in selectors.teacher_outcomes(campaign=campaign)}
    assert reasons == {
        "甲": "",
        "乙": "待教师本人在“我的授课”页面确认关联",
        "丙": "该身份证号尚未注册平台账号",
        "丁": "提供单位未填写该教师的身份证号",
    }
    client.force_login(admin)
    body = client.get(reverse("selection:manage_campaign", args=[campaign.year])).content.decode()
    for reason in list(reasons.values())[1:]:
        assert reason in body


def test_a_link_confirmed_after_publication_credits_once(published, django_capture_on_commit_callbacks):
    campaign, teachers, _admin, waiting = published
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=waiting, teacher_id=teachers["waiting"].pk)
    assert teaching_records().filter(professional=waiting).count() == 1
    # Confirming again, or the deferred credit running again, never credits twice.
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=waiting, teacher_id=teachers["waiting"].pk)
    teachers["waiting"].refresh_from_db()
    assert services.credit_linked_teacher(teacher=teachers["waiting"]) == 0  # nothing new to give
    assert teaching_records().filter(professional=waiting).count() == 1
    assert AuditEvent.objects.filter(
        data__event="teaching_credited", data__cause="link", data__teacher=teachers["waiting"].pk
    )
    assert not next(r for r in selectors.teacher_outcomes(campaign=campaign) if r["teacher"].name == "乙")["reason"]


def test_a_declined_link_is_listed_and_never_credited(published):
    campaign, teachers, _admin, waiting = published
    course_services.decline_teacher_link(user=waiting, teacher_id=teachers["waiting"].pk)
    reasons = {row["teacher"].name: row["reason"] for row in selectors.teacher_outcomes(campaign=campaign)}
    assert reasons["乙"] == "本人已拒绝关联"
    assert not teaching_records().filter(professional=waiting).exists()


def test_a_teacher_of_a_course_that_was_not_selected_gets_nothing_on_confirmation(published):
    person = user_with_role(Role.PROFESSIONAL)
    teacher = TeacherFactory(id_number=person.id_number, name=person.name)
    CourseFactory().teachers.add(teacher)
    teacher = course_services.confirm_teacher_link(user=person, teacher_id=teacher.pk)
    assert services.credit_linked_teacher(teacher=teacher) == 0
    assert not teaching_records().filter(professional=person).exists()


def test_a_refused_deferred_credit_keeps_the_confirmation_and_is_logged(published, django_capture_on_commit_callbacks):
    campaign, teachers, _admin, waiting = published
    # The ledger refuses the year (here: its policy is gone); the person's confirmation still stands.
    YearPolicy.objects.filter(year=campaign.year).delete()
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=waiting, teacher_id=teachers["waiting"].pk)
    teachers["waiting"].refresh_from_db()
    assert teachers["waiting"].user == waiting
    assert not teaching_records().filter(professional=waiting).exists()
    assert AuditEvent.objects.filter(data__event="teaching_credit_deferred_refused").exists()
