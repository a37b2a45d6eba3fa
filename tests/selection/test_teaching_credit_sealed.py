"""Issue 21 item 2: teaching credit (2 x hours) follows the sealed evaluation. Only teachers in the
sealed snapshot, once per person per course per campaign, at 2 x the sealed hours, for the
campaign's year; a closed year waits for a city bureau's correction; a link must match the name;
unlinking reverses the credit (audited); every credit names who caused it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, City, Role
from courses import services as course_services
from courses.models import Course, Teacher
from credits.models import HourRecord, YearPolicy, YearSummary
from selection.models import Phase, TeachingCredit
from tests.factories import OrganisationFactory, user_with_role, valid_id_number
from tests.queries import expect_queries

from .published import advance_to, evaluation, force_course_hours

pytestmark = pytest.mark.django_db


def teaching(person):
    return HourRecord.objects.filter(professional=person, source=HourRecord.Source.TEACHING)


def net_hours(person, year=2022) -> Decimal:
    summary = YearSummary.objects.filter(professional=person, year=year).first()
    return summary.public_hours if summary else Decimal("0")


def test_publication_credits_the_sealed_teacher_and_names_who_caused_it():
    ev = evaluation()
    record = teaching(ev.person).get()
    assert (record.hours, record.year, record.decided_by) == (Decimal("2.0"), 2022, ev.admin)
    assert record.external_ref == f"selection-2022-{ev.selected.pk}-u{ev.person.pk}"
    credit = TeachingCredit.objects.get()
    assert (credit.person, credit.actor, credit.cause, credit.status) == (
        ev.person,
        ev.admin,
        "publication",
        "credited",
    )
    event = AuditEvent.objects.get(data__event="teaching_credited")
    assert event.actor == ev.admin
    assert (
        event.data.items()
        >= {
            "campaign": 2022,
            "course": ev.selected.course_id,
            "teacher": ev.teacher.pk,
            "person": ev.person.pk,
            "cause": "publication",
            "record": record.pk,
        }.items()
    )


def test_raising_the_hours_and_a_second_teacher_row_after_publication_credit_nothing_more(
    django_capture_on_commit_callbacks,
):
    # The finding: the provider raised the selected course from 1 to 60 hours, entered the
    # person's ID number again as a new teacher, the person confirmed: another 120 hours.
    ev = evaluation()
    # The course has credited hours, so the provider's edit is refused (tests/courses/test_frozen_courses.py);
    # even an edit behind the freeze credits nothing more.
    assert Course.objects.get(pk=ev.selected.course_id).frozen_at is not None
    force_course_hours(ev.selected.course_id, Decimal("60.0"))
    row = course_services.save_teacher(
        actor=ev.provider_admin, organisation=ev.teacher.organisation, name="张老师", id_number=ev.person.id_number
    )
    ev.selected.course.teachers.add(row)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=ev.person, teacher_id=row.pk)
    assert list(teaching(ev.person).values_list("hours", flat=True)) == [Decimal("2.0")]
    assert net_hours(ev.person) == Decimal("2.0")


def test_a_teacher_row_added_after_sealing_gets_nothing(django_capture_on_commit_callbacks):
    ev = evaluation()
    newcomer = user_with_role(Role.PROFESSIONAL, name="王老师")
    row = course_services.save_teacher(
        actor=ev.provider_admin, organisation=ev.teacher.organisation, name="王老师", id_number=newcomer.id_number
    )
    ev.selected.course.teachers.add(row)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=newcomer, teacher_id=row.pk)
    assert not teaching(newcomer).exists() and not TeachingCredit.objects.filter(person=newcomer).exists()


def test_two_teacher_rows_with_the_same_id_number_give_one_credit(django_capture_on_commit_callbacks):
    ev = evaluation(phase=Phase.VOTING)
    row = course_services.save_teacher(
        actor=ev.provider_admin, organisation=ev.teacher.organisation, name="张老师", id_number=ev.person.id_number
    )
    ev.selected.course.teachers.add(row)
    course_services.confirm_teacher_link(user=ev.person, teacher_id=row.pk)
    advance_to(ev.campaign, ev.admin, Phase.PUBLISHED)
    sealed = ev.campaign.snapshots.get(version=1).inputs["sealed"]["courses"]
    assert sum(len(c["teachers"]) for c in sealed if c["recommendation"] == ev.selected.pk) == 3
    assert teaching(ev.person).count() == 1 and TeachingCredit.objects.count() == 1
    # Unlinking one of the two rows keeps the credit: the other still names the person.
    course_services.unlink_teacher_account(actor=ev.provider_admin, teacher=row)
    assert TeachingCredit.objects.get().status == TeachingCredit.Status.CREDITED
    assert net_hours(ev.person) == Decimal("2.0")


def test_a_closed_year_gets_no_approved_hours_but_a_pending_credit_for_the_bureau(client):
    # The finding: 120 hours credited to 2022, a year that closed in 2023.
    YearPolicy.objects.update_or_create(year=2022, defaults={"closes_on": datetime.date(2022, 12, 31)})
    ev = evaluation()
    assert not teaching(ev.person).exists() and net_hours(ev.person) == 0
    credit = TeachingCredit.objects.get()
    assert (credit.status, credit.hours, credit.actor) == ("pending", Decimal("2.0"), ev.admin)
    assert AuditEvent.objects.filter(data__event="teaching_credit_pending", data__person=ev.person.pk).exists()
    client.force_login(ev.admin)
    page = client.get(reverse("selection:manage_campaign", args=[2022])).content.decode()
    assert "年度已关闭，待市人社局更正计入" in page


def test_unlinking_reverses_the_credit_with_an_audited_reversal():
    ev = evaluation()
    original = teaching(ev.person).get()
    course_services.unlink_teacher_account(actor=ev.provider_admin, teacher=ev.teacher)
    reversal = HourRecord.objects.get(reverses=original)
    assert (reversal.hours, reversal.source, reversal.decided_by) == (Decimal("-2.0"), "correction", ev.provider_admin)
    assert net_hours(ev.person) == 0
    credit = TeachingCredit.objects.get()
    assert (credit.status, credit.end_cause, credit.ended_by, credit.reversal_id) == (
        "reversed",
        "unlink",
        ev.provider_admin,
        reversal.pk,
    )
    assert AuditEvent.objects.filter(type=AuditEvent.Type.RECORD_REVERSED, actor=ev.provider_admin).exists()
    assert AuditEvent.objects.filter(data__event="teaching_credit_reversed", data__cause="unlink").exists()


def test_changing_the_id_number_of_a_linked_teacher_reverses_the_credit():
    ev = evaluation()
    course_services.save_teacher(
        actor=ev.provider_admin,
        organisation=ev.teacher.organisation,
        teacher=ev.teacher,
        name="张老师",
        id_number=valid_id_number(777001),
    )
    assert net_hours(ev.person) == 0
    assert TeachingCredit.objects.get().status == TeachingCredit.Status.REVERSED


def test_a_relink_after_unlinking_credits_once_more_under_a_new_reference(django_capture_on_commit_callbacks):
    ev = evaluation()
    course_services.unlink_teacher_account(actor=ev.provider_admin, teacher=ev.teacher)
    ev.teacher.refresh_from_db()
    course_services.save_teacher(
        actor=ev.provider_admin,
        organisation=ev.teacher.organisation,
        teacher=ev.teacher,
        name="张老师",
        id_number=ev.person.id_number,
    )
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=ev.person, teacher_id=ev.teacher.pk)
    assert net_hours(ev.person) == Decimal("2.0")
    active = TeachingCredit.objects.get(status=TeachingCredit.Status.CREDITED)
    assert active.cause == "link" and active.actor == ev.person
    assert active.record.external_ref.endswith("-1")


def test_another_units_admin_cannot_unlink_and_nothing_is_reversed():
    ev = evaluation()
    outsider = user_with_role(Role.BASE_ADMIN, OrganisationFactory(national_base=True))
    with pytest.raises(PermissionDenied):
        course_services.unlink_teacher_account(actor=outsider, teacher=ev.teacher)
    assert TeachingCredit.objects.get().status == TeachingCredit.Status.CREDITED


def test_a_proposed_link_must_match_the_accounts_name():
    ev = evaluation(phase=Phase.VOTING)
    stranger = user_with_role(Role.PROFESSIONAL, name="赵六")
    with pytest.raises(ValidationError, match="身份证号与教师姓名不一致"):
        course_services.save_teacher(
            actor=ev.provider_admin, organisation=ev.teacher.organisation, name="钱七", id_number=stranger.id_number
        )
    assert not Teacher.objects.filter(name="钱七").exists()


def test_the_person_cannot_confirm_a_teacher_row_with_another_name(client):
    # The row was proposed before the person registered, under another name.
    ev = evaluation(phase=Phase.VOTING)
    number = valid_id_number(555123)
    row = course_services.save_teacher(
        actor=ev.provider_admin, organisation=ev.teacher.organisation, name="钱七", id_number=number
    )
    person = user_with_role(Role.PROFESSIONAL, name="赵六", id_number=number)
    client.force_login(person)
    response = client.post(reverse("courses:my_teaching_answer", args=[row.pk]), {"action": "confirm"}, follow=True)
    assert "姓名（钱七）与您的实名信息不一致" in response.content.decode()
    row.refresh_from_db()
    assert row.user is None and row.link_confirmed_at is None


def _closed_year_evaluation():
    YearPolicy.objects.update_or_create(year=2022, defaults={"closes_on": datetime.date(2022, 12, 31)})
    return evaluation()


def test_the_pending_list_is_for_the_association_and_the_persons_city_bureau(client):
    ev = _closed_year_evaluation()
    jinan = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city=City.JINAN))
    qingdao = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city=City.QINGDAO))
    url = reverse("selection:pending_teaching_credits")
    for user, visible in ((ev.admin, True), (jinan, True), (qingdao, False)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert ("张老师" in response.content.decode()) is visible
    for user in (ev.person, ev.provider_admin):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("n", [1, 4])
def test_the_pending_list_query_count_is_flat(n, client):
    ev = _closed_year_evaluation()
    credit = TeachingCredit.objects.get()
    for _ in range(n - 1):
        credit.pk = None
        credit.person = user_with_role(Role.PROFESSIONAL)
        credit.save()
    client.force_login(ev.admin)
    url = reverse("selection:pending_teaching_credits")
    # session, user, roles (permission and menu); the count; the page of credits (with person,
    # campaign and course)
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "selection_teachingcredit", "selection_teachingcredit"
    ):
        response = client.get(url)
    assert response.content.decode().count("<tr><td>") == n


def test_the_provider_unlinking_on_the_teacher_page_reverses_the_credit(client):
    ev = evaluation()
    client.force_login(ev.provider_admin)
    response = client.post(reverse("courses:teacher_edit", args=[ev.teacher.pk]), {"unlink": "1"})
    assert response.status_code == 302
    assert net_hours(ev.person) == 0
    assert TeachingCredit.objects.get().ended_by == ev.provider_admin
