"""Issue 21 item 2: "If that year has closed, the credit needs a bureau correction, like any other
late hour." A pending teaching credit of a closed year is credited (or declined) by city bureau
staff of the person's city, or by the provincial bureau, with a reason; the approved teaching
record goes into the closed year once, audited with `after_closing`; the year's certificate is
superseded."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, City, Role
from courses import services as course_services
from courses.models import Category
from credits.models import HourRecord, HoursCertificate, YearPolicy, YearSummary
from selection import services
from selection.models import TeachingCredit
from tests.credits.factories import approved_record
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .published import evaluation

pytestmark = pytest.mark.django_db


def closed_year_evaluation():
    YearPolicy.objects.update_or_create(year=2022, defaults={"closes_on": datetime.date(2022, 12, 31)})
    ev = evaluation()
    assert TeachingCredit.objects.get().status == TeachingCredit.Status.PENDING
    return ev


def city_staff(city=City.JINAN):
    return user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city=city))


def decide(client, user, credit, action="credit", reason="教师授课学时逾期，核实后更正计入", confirm="1"):
    client.force_login(user)
    return client.post(
        reverse("selection:decide_teaching_credit", args=[credit.pk]),
        {"action": action, "reason": reason, "confirm": confirm},
    )


def teaching(person):
    return HourRecord.objects.filter(professional=person, source=HourRecord.Source.TEACHING)


def public_hours(person, year=2022) -> Decimal:
    summary = YearSummary.objects.filter(professional=person, year=year).first()
    return summary.public_hours if summary else Decimal("0")


def test_city_staff_of_the_persons_city_credit_it_into_the_closed_year(client):
    ev = closed_year_evaluation()
    jinan = city_staff()
    credit = TeachingCredit.objects.get()
    response = decide(client, jinan, credit)
    assert response.status_code == 302
    record = teaching(ev.person).get()
    assert (record.year, record.hours, record.status, record.decided_by) == (2022, Decimal("2.0"), "approved", jinan)
    assert record.external_ref == f"selection-2022-{ev.selected.pk}-u{ev.person.pk}"
    assert record.recorded_by.kind == "association" and record.reason == "教师授课学时逾期，核实后更正计入"
    assert public_hours(ev.person) == Decimal("2.0")
    credit.refresh_from_db()
    assert (credit.status, credit.record, credit.decided_by) == ("credited", record, jinan)
    assert credit.decided_at is not None and credit.decision_reason == "教师授课学时逾期，核实后更正计入"
    event = AuditEvent.objects.get(data__event="late_teaching_credited")
    assert event.actor == jinan and event.type == AuditEvent.Type.RECORD_DECIDED
    assert event.data["after_closing"] is True and event.data["reason"] == "教师授课学时逾期，核实后更正计入"
    assert event.data["bureau"] == jinan.memberships.get().organisation_id
    assert AuditEvent.objects.filter(data__event="teaching_credited", data__cause="bureau_correction").exists()


def test_a_repeat_post_credits_nothing_more(client):
    ev = closed_year_evaluation()
    jinan = city_staff()
    credit = TeachingCredit.objects.get()
    decide(client, jinan, credit)
    response = decide(client, jinan, credit)
    assert response.status_code == 302
    assert teaching(ev.person).count() == 1 and public_hours(ev.person) == Decimal("2.0")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "该授课学时已处理，不能重复办理。" in messages


def test_city_staff_of_another_city_get_not_found_and_nothing_changes(client):
    ev = closed_year_evaluation()
    credit = TeachingCredit.objects.get()
    assert decide(client, city_staff(City.QINGDAO), credit).status_code == 404
    assert not teaching(ev.person).exists()
    assert TeachingCredit.objects.get().status == TeachingCredit.Status.PENDING


def test_the_province_may_correct(client):
    ev = closed_year_evaluation()
    province = user_with_role(Role.PROVINCE_STAFF)
    assert decide(client, province, TeachingCredit.objects.get()).status_code == 302
    assert teaching(ev.person).get().decided_by == province
    client.force_login(province)
    assert client.get(reverse("selection:pending_teaching_credits")).status_code == 200


def test_the_association_sees_the_list_but_may_not_credit(client):
    ev = closed_year_evaluation()
    credit = TeachingCredit.objects.get()
    client.force_login(ev.admin)
    page = client.get(reverse("selection:pending_teaching_credits")).content.decode()
    assert "张老师" in page and "decide_teaching_credit" not in page and 'value="credit"' not in page
    assert decide(client, ev.admin, credit).status_code == 403
    assert not teaching(ev.person).exists()


def test_professionals_and_anonymous_are_refused(client):
    ev = closed_year_evaluation()
    credit = TeachingCredit.objects.get()
    assert decide(client, ev.person, credit).status_code == 403
    client.logout()
    response = client.post(
        reverse("selection:decide_teaching_credit", args=[credit.pk]), {"action": "credit", "confirm": "1"}
    )
    assert response.status_code == 302 and "login" in response["Location"]
    assert not teaching(ev.person).exists()


def test_a_reason_and_the_confirmation_are_required(client):
    ev = closed_year_evaluation()
    jinan = city_staff()
    credit = TeachingCredit.objects.get()
    decide(client, jinan, credit, reason="  ")
    decide(client, jinan, credit, confirm="")
    assert not teaching(ev.person).exists()
    assert TeachingCredit.objects.get().status == TeachingCredit.Status.PENDING


def test_a_person_without_a_current_employer_is_corrected_by_the_city_of_the_last_one(client):
    ev = closed_year_evaluation()
    ev.person.memberships.update(is_active=False)
    credit = TeachingCredit.objects.get()
    assert decide(client, city_staff(City.QINGDAO), credit).status_code == 404
    assert decide(client, city_staff(), credit).status_code == 302
    assert teaching(ev.person).count() == 1


def test_the_bureau_may_decline_and_the_credit_is_not_offered_again(client, django_capture_on_commit_callbacks):
    ev = closed_year_evaluation()
    jinan = city_staff()
    credit = TeachingCredit.objects.get()
    assert decide(client, jinan, credit, action="decline", reason="非本人授课").status_code == 302
    credit.refresh_from_db()
    assert (credit.status, credit.decided_by, credit.decision_reason) == ("declined", jinan, "非本人授课")
    assert AuditEvent.objects.filter(data__event="teaching_credit_declined", actor=jinan).exists()
    # A later sync (the person confirms another row naming them) does not bring it back.
    row = course_services.save_teacher(
        actor=ev.provider_admin, organisation=ev.teacher.organisation, name="张老师", id_number=ev.person.id_number
    )
    ev.selected.course.teachers.add(row)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.confirm_teacher_link(user=ev.person, teacher_id=row.pk)
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="复核")
    assert list(TeachingCredit.objects.values_list("status", flat=True)) == ["declined"]
    assert not teaching(ev.person).exists()
    assert decide(client, jinan, credit).status_code == 302
    assert not teaching(ev.person).exists()


def test_crediting_changes_the_year_and_supersedes_the_certificate(client):
    ev = closed_year_evaluation()
    approved_record(ev.person, hours="30", category=Category.PUBLIC)
    approved_record(ev.person, hours="60", category=Category.PROFESSIONAL)
    client.force_login(ev.person)
    assert client.post(reverse("credits:certificate", args=[2022])).status_code == 302
    old = HoursCertificate.objects.get(professional=ev.person, year=2022)
    assert old.superseded_at is None and old.total_hours == Decimal("90.0")
    decide(client, city_staff(), TeachingCredit.objects.get())
    old.refresh_from_db()
    assert old.superseded_at is not None
    assert public_hours(ev.person) == Decimal("32.0")
    client.logout()
    page = client.get(reverse("credits:verify_code", args=[old.code])).content.decode()
    assert "已更正，此证明已失效" in page


def test_a_credited_late_credit_is_reversed_when_the_link_ends(client):
    ev = closed_year_evaluation()
    decide(client, city_staff(), TeachingCredit.objects.get())
    course_services.unlink_teacher_account(actor=ev.provider_admin, teacher=ev.teacher)
    assert public_hours(ev.person) == Decimal("0")
    assert TeachingCredit.objects.get().status == TeachingCredit.Status.REVERSED


@pytest.mark.parametrize("n", [1, 4])
def test_the_bureaus_pending_list_query_count_is_flat(n, client):
    closed_year_evaluation()
    credit = TeachingCredit.objects.get()
    for _ in range(n - 1):
        credit.pk = None
        credit.person = user_with_role(Role.PROFESSIONAL)
        credit.save()
    client.force_login(city_staff())
    # session, user, roles (permission, menu and scope); the count; the page of credits (with
    # person, campaign and course; the person's city as a subquery)
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "selection_teachingcredit", "selection_teachingcredit"
    ):
        response = client.get(reverse("selection:pending_teaching_credits"))
    assert response.content.decode().count('name="action" value="credit"') == n


def test_the_campaign_page_says_who_corrected_it_and_why(client):
    ev = closed_year_evaluation()
    jinan = city_staff()
    decide(client, jinan, TeachingCredit.objects.get(), reason="核实后更正计入")
    client.force_login(ev.admin)
    page = client.get(reverse("selection:manage_campaign", args=[2022])).content.decode()
    assert "已计入" in page and jinan.display_name in page and "核实后更正计入" in page
