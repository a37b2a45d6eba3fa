"""The year an hour counts for (issue 11, point 2): the year it was completed, registered while that
year is open; a grace window for late completions; after closing only an audited bureau correction."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from courses.models import Category
from credits import services
from credits.models import HourRecord
from portal.formats import cn_date
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, YearPolicyFactory, approved_record, professional_of, proof_file

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def closed_last_year(db):
    """Last year closed on 31 December; its December completions may be registered until today."""
    return YearPolicyFactory(
        year=LAST_YEAR,
        closes_on=datetime.date(LAST_YEAR, 12, 31),
        grace_from=datetime.date(LAST_YEAR, 12, 1),
        grace_until=TODAY,
    )


def row(person, course, ref, *, year, completed_on):
    return {
        "id_number": person.id_number,
        "year": year,
        "category": "public",
        "hours": "6.0",
        "course": course.pk,
        "completed_on": completed_on.isoformat(),
        "external_ref": ref,
    }


def test_a_completion_counts_only_for_the_year_it_was_completed(base, employer, policy):
    """The old hole: a record completed in January 2025 credited to 2026 (±1 year both ways)."""
    YearPolicyFactory(year=2023)
    person = professional_of(employer)
    course = CourseFactory(provider=base, year_from=2021, year_to=2026)
    admin = user_with_role(Role.BASE_ADMIN, base)
    for year, completed in ((2023, datetime.date(2022, 1, 10)), (2022, datetime.date(2023, 1, 10))):
        with pytest.raises(services.BulkRejected) as info:
            services.record_platform_hours(
                organisation=base, actor=admin, rows=[row(person, course, "Y1", year=year, completed_on=completed)]
            )
        message = info.value.row_errors[0].errors["completed_on"]
        assert f"{year}年1月1日至{year}年12月31日" in message
    assert not HourRecord.objects.exists()


def test_a_self_report_completed_in_another_year_is_refused(employer, policy):
    """The old hole: a self-report completed in March 2021 credited to 2022."""
    person = professional_of(employer)
    with pytest.raises(ValidationError) as info:
        services.self_report_hours(
            proof=proof_file(),
            professional=person,
            year=2022,
            title="x",
            completed_on=datetime.date(2021, 3, 1),
            category=Category.PUBLIC,
            hours="3",
        )
    assert "2022年1月1日至2022年12月31日" in info.value.message_dict["completed_on"][0]


def test_after_closing_nothing_new_counts_and_the_error_names_the_dates(base, employer, closed_last_year):
    person = professional_of(employer)
    course = CourseFactory(provider=base, year_from=LAST_YEAR, year_to=LAST_YEAR)
    admin = user_with_role(Role.BASE_ADMIN, base)
    march = datetime.date(LAST_YEAR, 3, 1)
    with pytest.raises(services.BulkRejected) as info:
        services.record_platform_hours(
            organisation=base, actor=admin, rows=[row(person, course, "L1", year=LAST_YEAR, completed_on=march)]
        )
    message = info.value.row_errors[0].errors["completed_on"]
    assert f"{LAST_YEAR}年12月31日" in message and f"{LAST_YEAR}年12月1日" in message and cn_date(TODAY) in message
    with pytest.raises(ValidationError) as info:
        services.self_report_hours(
            proof=proof_file(),
            professional=person,
            year=LAST_YEAR,
            title="x",
            completed_on=march,
            category=Category.PUBLIC,
            hours="3",
        )
    assert info.value.message_dict["completed_on"][0].startswith(f"{LAST_YEAR}年度学时登记截止于")
    assert not HourRecord.objects.exists()


def test_a_december_completion_registered_in_the_grace_window_counts_for_its_year(base, employer, closed_last_year):
    person = professional_of(employer)
    course = CourseFactory(provider=base, year_from=LAST_YEAR, year_to=LAST_YEAR)
    admin = user_with_role(Role.BASE_ADMIN, base)
    december = datetime.date(LAST_YEAR, 12, 20)
    [(record, created)] = services.record_platform_hours(
        organisation=base, actor=admin, rows=[row(person, course, "G1", year=LAST_YEAR, completed_on=december)]
    )
    assert created and record.year == LAST_YEAR and record.status == HourRecord.Status.APPROVED


def test_the_grace_window_ends(base, employer, db):
    YearPolicyFactory(
        year=LAST_YEAR,
        closes_on=datetime.date(LAST_YEAR, 12, 31),
        grace_from=datetime.date(LAST_YEAR, 12, 1),
        grace_until=TODAY - datetime.timedelta(days=1),
    )
    person = professional_of(employer)
    with pytest.raises(ValidationError) as info:
        services.self_report_hours(
            proof=proof_file(),
            professional=person,
            year=LAST_YEAR,
            title="x",
            completed_on=datetime.date(LAST_YEAR, 12, 20),
            category=Category.PUBLIC,
            hours="3",
        )
    assert "截止" in info.value.message_dict["completed_on"][0]


def test_the_api_answers_a_closed_year_in_chinese(client, base, employer, closed_last_year):
    person = professional_of(employer)
    client.force_login(person)
    data = {"year": LAST_YEAR, "category": "public", "hours": "2", "completed_on": f"{LAST_YEAR}-06-01"}
    response = client.post(reverse("api-hour-records"), {**data, "proof": proof_file()})
    assert response.status_code == 400
    assert "截止" in response.json()["detail"] and not HourRecord.objects.exists()


def test_a_record_registered_in_time_may_still_be_decided_after_closing(employer, closed_last_year):
    person = professional_of(employer)
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=LAST_YEAR,
        title="x",
        completed_on=datetime.date(LAST_YEAR, 12, 5),
        category=Category.PUBLIC,
        hours="3",
    )
    closed_last_year.grace_until = TODAY - datetime.timedelta(days=1)
    closed_last_year.save()
    decided = services.approve_record(record_id=record.pk, actor=user_with_role(Role.EMPLOYER_ADMIN, employer))
    assert decided.status == HourRecord.Status.APPROVED


def test_a_bureau_correction_after_closing_is_allowed_and_audited(employer, closed_last_year):
    person = professional_of(employer)
    record = approved_record(person, hours="5", year=LAST_YEAR)
    jinan = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    closed_last_year.grace_until = TODAY - datetime.timedelta(days=1)
    closed_last_year.save()
    correction = services.reverse_record(record_id=record.pk, actor=jinan, reason="抽查无签到")
    assert correction.hours == Decimal("-5.0") and correction.year == LAST_YEAR
    event = AuditEvent.objects.get(type=AuditEvent.Type.RECORD_REVERSED)
    assert event.actor == jinan and event.data["after_closing"] is True and event.data["year"] == LAST_YEAR


def test_an_open_year_has_no_closing(employer, policy):
    """Policies without a closing date (2022 as migrated) stay open: nothing that was allowed before stops."""
    assert policy.closes_on is None
    person = professional_of(employer)
    record, created = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="x",
        completed_on=datetime.date(2022, 3, 1),
        category=Category.PUBLIC,
        hours="3",
    )
    assert created and record.year == 2022


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"closes_on": "2022-06-30"}, "closes_on"),
        ({"closes_on": "2023-03-31", "grace_from": "2022-12-01"}, "grace_until"),
        ({"closes_on": "2023-03-31", "grace_from": "2021-12-01", "grace_until": "2023-01-31"}, "grace_from"),
        ({"closes_on": "2023-03-31", "grace_from": "2022-12-01", "grace_until": "2024-01-31"}, "grace_until"),
        ({"grace_from": "2022-12-01", "grace_until": "2023-01-31"}, "closes_on"),
        ({"review_threshold": "0"}, "review_threshold"),
    ],
)
def test_the_policy_form_refuses_an_impossible_calendar(client, role_users, policy, fields, error_field):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    data = {
        "year": 2022,
        "min_total": "90",
        "min_public": "30",
        "min_professional": "60",
        "teaching_credit_multiplier": "2",
        "teaching_credit_category": "public",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        **fields,
    }
    response = client.post(reverse("credits:policy_edit", args=[2022]), data)
    assert response.status_code == 200
    assert error_field in response.context["form"].errors
    policy.refresh_from_db()
    assert policy.closes_on is None and policy.review_threshold is None


def test_the_policy_form_saves_a_calendar(client, role_users, policy):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    data = {
        "year": 2022,
        "min_total": "90",
        "min_public": "30",
        "min_professional": "60",
        "teaching_credit_multiplier": "2",
        "teaching_credit_category": "public",
        "closes_on": "2022-12-31",
        "grace_from": "2022-12-01",
        "grace_until": "2023-01-31",
        "review_threshold": "120",
        "mandatory_binding": "on",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("credits:policy_edit", args=[2022]), data).status_code == 302
    policy.refresh_from_db()
    assert policy.grace_until == datetime.date(2023, 1, 31) and policy.mandatory_binding
    assert "2022年12月31日" in client.get(reverse("credits:policies")).content.decode()


def test_the_self_report_page_names_the_allowed_dates(client, employer, policy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_pages import PNG

    client.force_login(professional_of(employer))
    data = {
        "title": "去年的培训",
        "category": "public",
        "hours": "3",
        "completed_on": "2021-11-01",
        "proof": SimpleUploadedFile("proof.png", PNG, content_type="image/png"),
    }
    response = client.post(reverse("credits:self_report") + "?year=2022", data)
    assert response.status_code == 200
    assert "2022年1月1日至2022年12月31日" in response.content.decode()
    assert not HourRecord.objects.exists()
