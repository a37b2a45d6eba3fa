"""Once per course (issue 11, point 3): a person is credited at most once per course (and per
work-plan training) and year, whatever the external_ref; the database enforces it."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role
from credits import services
from credits.models import HourRecord, YearSummary
from tests.factories import user_with_role

from .factories import CourseFactory, YearPolicyFactory, approved_record, plan_training, post, professional_of
from .test_rights import offline_row, platform_row


def test_a_second_ref_for_the_same_course_is_409_naming_the_first_record(base_client, base, policy, employer):
    """The old hole: the same person credited twice for one course under two external_refs."""
    person = professional_of(employer)
    course = CourseFactory(provider=base)
    first = post(base_client, reverse("api-hour-records"), platform_row(person, course, "A1"))
    second = post(base_client, reverse("api-hour-records"), platform_row(person, course, "A2"))
    assert (first.status_code, second.status_code) == (201, 409)
    body = second.json()
    assert body["code"] == "duplicate_course" and body["errors"]["first_record"] == first.json()["id"]
    assert str(first.json()["id"]) in body["detail"]
    assert HourRecord.objects.count() == 1
    assert YearSummary.objects.get(professional=person).public_hours == course.hours


def test_another_unit_cannot_credit_the_same_course_again(client, base, policy, employer):
    person = professional_of(employer)
    course = CourseFactory(provider=base)
    approved = approved_record(person, hours="6", course=course, source=HourRecord.Source.PLATFORM)
    client.force_login(user_with_role(Role.BASE_ADMIN, base))
    response = post(client, reverse("api-hour-records"), platform_row(person, course, "B1"))
    assert response.status_code == 409 and response.json()["errors"]["first_record"] == approved.pk


def test_the_same_course_counts_again_in_another_year(base_client, base, policy, employer):
    YearPolicyFactory(year=2023)
    person = professional_of(employer)
    course = CourseFactory(provider=base)
    assert post(base_client, reverse("api-hour-records"), platform_row(person, course, "Y1")).status_code == 201
    later = platform_row(person, course, "Y2", year=2023, completed_on="2023-03-01")
    assert post(base_client, reverse("api-hour-records"), later).status_code == 201


def test_bulk_rows_repeating_a_course_are_409_with_every_row_named(base_client, base, policy, employer):
    person, colleague = professional_of(employer), professional_of(employer)
    course = CourseFactory(provider=base)
    first = post(base_client, reverse("api-hour-records"), platform_row(person, course, "C1")).json()
    rows = [
        platform_row(colleague, course, "C2"),
        platform_row(person, course, "C3"),
        platform_row(colleague, course, "C4"),
    ]
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_course"
    by_index = {r["index"]: r for r in body["errors"]["rows"]}
    assert set(by_index) == {1, 2}
    assert by_index[1]["first_record"] == first["id"]
    assert "第 1 条" in by_index[2]["errors"]["course"]  # a duplicate inside the same bulk names its row
    assert HourRecord.objects.count() == 1


def test_a_bulk_with_duplicates_and_other_errors_is_400(base_client, base, policy, employer):
    person = professional_of(employer)
    course = CourseFactory(provider=base)
    rows = [platform_row(person, course, "D1"), platform_row(person, course, "D2"), platform_row(person, course, "D3")]
    rows[0]["hours"] = "abc"
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 400 and response.json()["code"] == "bulk_rejected"


def test_a_work_plan_training_counts_once_per_person_and_year(base_client, base, policy, employer):
    person = professional_of(employer)
    training = plan_training(base, on_arrival=True)
    assert post(base_client, reverse("api-hour-records"), offline_row(person, training, "T1")).status_code == 201
    again = post(base_client, reverse("api-hour-records"), offline_row(person, training, "T2"))
    assert again.status_code == 409 and "培训" in again.json()["detail"]


def test_a_rejected_record_frees_the_course(client, base, policy, employer):
    person = professional_of(employer)
    training = plan_training(base)
    admin = user_with_role(Role.BASE_ADMIN, base)
    [(record, _created)] = services.record_platform_hours(
        organisation=base, actor=admin, rows=[offline_row(person, training, "R1")]
    )
    services.reject_record(record_id=record.pk, actor=user_with_role(Role.EMPLOYER_ADMIN, employer), reason="未参加")
    [(again, created)] = services.record_platform_hours(
        organisation=base, actor=admin, rows=[offline_row(person, training, "R2")]
    )
    assert created and again.status == HourRecord.Status.PENDING


def test_the_database_refuses_a_second_record_for_the_same_course(base, policy, employer):
    person = professional_of(employer)
    course = CourseFactory(provider=base)
    approved_record(person, hours="6", course=course, source=HourRecord.Source.PLATFORM, external_ref="X1")
    with pytest.raises(IntegrityError), transaction.atomic():
        HourRecord.objects.create(
            professional=person,
            year=2022,
            completed_on="2022-06-01",
            category="public",
            hours="6",
            source=HourRecord.Source.PLATFORM,
            course=course,
            recorded_by=base,
            external_ref="X2",
            status=HourRecord.Status.PENDING,
        )
