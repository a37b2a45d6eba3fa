"""Courses with credited hours are frozen (issue 21, point 3): hours, category, topic and sector stay
what the credited records were compared with and counted as, on every path (the provider's page, the
API, the Excel upload, the admin, the service, `.update()` on PostgreSQL). A change is a new course
(“复制为新课程/新版本”) that points at the old one; the old one keeps its records."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from courses import excel, services
from courses.frozen import CourseFrozenError
from courses.models import Category, Course
from credits import services as credit_services
from credits.models import HourRecord
from tests.credits.factories import YearPolicyFactory, post, professional_of
from tests.credits.test_rights import platform_row
from tests.factories import OrganisationFactory, UserFactory, user_with_role

from .factories import CourseFactory, PlatformFactory, TeacherFactory, TopicFactory, WorkPlanFactory
from .test_excel import row, xlsx

D = Decimal
FROZEN = "已锁定"


@pytest.fixture
def policy(db):
    return YearPolicyFactory(year=2022)


@pytest.fixture
def course(base, base_platform, approved_2022, topic):
    """A published 2022 public course of one hour on the base's own platform."""
    return CourseFactory(
        provider=base, platform=base_platform, topic=topic, hours=D("1.0"), teachers=[TeacherFactory(organisation=base)]
    )


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="山东省立医院（测试）")


def credit(client, base_admin, person, course, ref: str, **over):
    """The base's learning platform posts a completion (approved on arrival)."""
    client.force_login(base_admin)
    return post(client, reverse("api-hour-records"), platform_row(person, course, ref, **over))


@pytest.fixture
def credited(client, base_admin, course, employer, policy):
    response = credit(client, base_admin, professional_of(employer), course, "R1")
    assert response.status_code == 201 and response.json()["status"] == "approved", response.json()
    course.refresh_from_db()
    return course


def form_data(course: Course, **over) -> dict:
    data = {
        "title": course.title,
        "category": course.category,
        "topic": course.topic_id or "",
        "sector": course.sector_id or "",
        "hours": str(course.hours),
        "mode": course.mode,
        "platform": course.platform_id or "",
        "url": course.url,
        "description": course.description,
        "year_from": course.year_from,
        "year_to": course.year_to,
        "teacher_names": "、".join(t.name for t in course.teachers.all()),
    }
    data.update(over)
    return data


def test_the_first_approved_record_freezes_the_course(credited):
    assert credited.frozen_at is not None


def test_a_provider_cannot_raise_a_credited_courses_hours_from_1_to_60(client, base_admin, credited, employer):
    """The finding: a selected 2022 course raised from 1 to 60 hours after publication, then rows of
    60 hours approved on arrival."""
    client.force_login(base_admin)
    response = client.post(reverse("courses:course_edit", args=[credited.pk]), form_data(credited, hours="60"))
    assert response.status_code == 200
    body = response.content.decode()
    assert FROZEN in body and "复制为新课程/新版本" in body
    credited.refresh_from_db()
    assert credited.hours == D("1.0")
    refused = credit(client, base_admin, professional_of(employer), credited, "R2", hours="60")
    assert refused.status_code == 400
    assert "课程学时" in refused.json()["errors"]["rows"][0]["errors"]["hours"]
    assert HourRecord.objects.filter(course=credited).count() == 1


def test_the_page_explains_the_freeze_and_keeps_the_other_fields_editable(client, base_admin, credited):
    client.force_login(base_admin)
    page = client.get(reverse("courses:course_edit", args=[credited.pk])).content.decode()
    assert FROZEN in page and reverse("courses:course_new_version", args=[credited.pk]) in page
    data = form_data(credited, title="新课程名称", description="补充简介")
    response = client.post(reverse("courses:course_edit", args=[credited.pk]), data)
    assert response.status_code == 302
    credited.refresh_from_db()
    assert (credited.title, credited.hours) == ("新课程名称", D("1.0"))


@pytest.mark.parametrize("field", ["hours", "category", "topic", "sector"])
def test_every_frozen_field_is_refused_by_the_service(base_admin, base, credited, department, field):
    changes = {
        "hours": {"hours": D("60.0")},
        "category": {"category": Category.PROFESSIONAL, "topic": None, "sector": department},
        "topic": {"topic": TopicFactory(year=2022, name="疫情防控")},
        "sector": {"sector": department},
    }[field]
    topic_id = credited.topic_id
    with pytest.raises(CourseFrozenError) as refused:
        services.save_course(actor=base_admin, provider=base, data=changes, course=credited)
    assert FROZEN in refused.value.messages[0]
    stored = Course.objects.get(pk=credited.pk)
    assert (stored.hours, stored.category, stored.topic_id, stored.sector_id) == (
        D("1.0"),
        Category.PUBLIC,
        topic_id,
        None,
    )


def test_a_course_without_credited_hours_is_still_editable(client, base_admin, course):
    client.force_login(base_admin)
    response = client.post(reverse("courses:course_edit", args=[course.pk]), form_data(course, hours="60"))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.hours == D("60.0") and course.frozen_at is None


def test_a_pending_record_does_not_freeze_and_its_approval_compares_with_the_course_as_it_is_then(
    client, base_admin, course, employer, policy
):
    """Hours waiting for review are not credited yet: the course stays editable, and the approval
    compares the record with the figures the course is frozen with at that moment."""
    policy.review_threshold = D("0.5")
    policy.save(update_fields=["review_threshold"])
    response = credit(client, base_admin, professional_of(employer), course, "P1")
    assert response.json()["status"] == "pending"
    course.refresh_from_db()
    assert course.frozen_at is None
    services.save_course(actor=base_admin, provider=course.provider, data={"hours": D("0.5")}, course=course)
    record_id = response.json()["id"]
    with pytest.raises(ValidationError, match="学时或科目类别已变更"):
        credit_services.approve_record(record_id=record_id, actor=user_with_role(Role.EMPLOYER_ADMIN, employer))
    assert HourRecord.objects.get(pk=record_id).status == HourRecord.Status.PENDING
    assert Course.objects.get(pk=course.pk).frozen_at is None


def test_the_api_refuses_frozen_fields_and_saves_the_others(base_admin, credited):
    api = APIClient()
    api.force_authenticate(base_admin)
    url = reverse("api-course-detail", args=[credited.pk])
    response = api.patch(url, {"hours": "100"}, format="json")
    assert response.status_code == 400 and FROZEN in str(response.json())
    assert Course.objects.get(pk=credited.pk).hours == D("1.0")
    response = api.patch(url, {"description": "新的简介"}, format="json")
    assert response.status_code == 200 and response.json()["frozen_at"]
    assert Course.objects.get(pk=credited.pk).description == "新的简介"


def test_the_excel_upload_refuses_a_row_that_would_change_a_credited_course(base_admin, base, credited, topic):
    same = {"title": credited.title, "topic": topic.name, "url": credited.url, "teachers": "", "copyright_holder": "x"}
    result = excel.import_courses(actor=base_admin, provider=base, file=xlsx([row(hours="60", **same)]))
    assert not result.ok and FROZEN in result.errors[0].reason
    assert Course.objects.filter(provider=base).count() == 1
    result = excel.import_courses(actor=base_admin, provider=base, file=xlsx([row(hours="1.0", **same)]))
    assert result.ok and result.skipped == [2] and result.created == 0


def test_the_admin_shows_frozen_fields_read_only_and_the_model_refuses_them(client, credited):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:courses_course_change", args=[credited.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="hours"' not in page.content.decode() and 'name="title"' in page.content.decode()
    stored = Course.objects.get(pk=credited.pk)
    stored.hours = D("100.0")
    with pytest.raises(CourseFrozenError):
        stored.save()
    with pytest.raises(ValidationError, match=FROZEN):
        stored.full_clean()
    assert Course.objects.get(pk=credited.pk).hours == D("1.0")


def test_the_admin_action_copies_as_a_new_version(client, credited):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [credited.pk]},
    )
    assert response.status_code == 302
    copy = Course.objects.get(previous_version=credited)
    assert (copy.status, copy.hours, copy.frozen_at) == (Course.Status.DRAFT, D("1.0"), None)


@pytest.mark.postgres
def test_update_cannot_get_around_the_freeze_on_postgresql(credited):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no trigger: the model and the services refuse, .update() is not guarded")
    for change in ({"hours": D("100.0")}, {"category": Category.PROFESSIONAL}, {"topic": None}, {"frozen_at": None}):
        with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
            Course.objects.filter(pk=credited.pk).update(**change)
    Course.objects.filter(pk=credited.pk).update(title="改名不受限制")
    stored = Course.objects.get(pk=credited.pk)
    assert (stored.hours, stored.title, stored.frozen_at) == (D("1.0"), "改名不受限制", credited.frozen_at)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_first_credit_racing_a_providers_edit_is_compared_with_the_edited_figures(
    base_admin, course, employer, policy
):
    """The provider lowers the hours (6 -> 1, not yet committed) while the platform posts a 6-hour row:
    the intake read 6, but the freeze waits for the edit and compares with 1, so the row is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    Course.objects.filter(pk=course.pk).update(hours=D("6.0"))
    person = professional_of(employer)
    edited, posting = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def provider():
        try:
            with transaction.atomic():
                stored = Course.objects.get(pk=course.pk)
                services.save_course(
                    actor=base_admin, provider=stored.provider, data={"hours": D("1.0")}, course=stored
                )
                edited.set()
                posting.wait(5)
                time.sleep(1)  # the intake is now waiting for this row
        finally:
            connection.close()

    def platform():
        try:
            edited.wait(5)
            posting.set()
            credit_services.record_platform_hours(
                organisation=course.provider, actor=base_admin, rows=[platform_row(person, course, "RACE", hours="6.0")]
            )
            outcome["platform"] = "stored"
        except ValidationError as exc:
            outcome["platform"] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=provider), threading.Thread(target=platform)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "学时或科目类别已变更" in str(outcome["platform"])
    assert not HourRecord.objects.filter(course=course).exists()
    stored = Course.objects.get(pk=course.pk)
    assert (stored.hours, stored.frozen_at) == (D("1.0"), None)


def test_the_provider_publishes_a_new_version_and_the_old_course_keeps_its_records(
    client, base_admin, credited, employer
):
    client.force_login(base_admin)
    response = client.post(reverse("courses:course_new_version", args=[credited.pk]))
    copy = Course.objects.get(previous_version=credited)
    assert response.status_code == 302 and response["Location"] == reverse("courses:course_edit", args=[copy.pk])
    assert copy.status == Course.Status.DRAFT and copy.frozen_at is None
    assert list(copy.teachers.all()) == list(credited.teachers.all())
    assert client.post(reverse("courses:course_edit", args=[copy.pk]), form_data(copy, hours="60")).status_code == 302
    assert client.post(reverse("courses:course_status", args=[copy.pk]), {"status": "published"}).status_code == 302
    copy.refresh_from_db()
    assert (copy.status, copy.hours) == (Course.Status.PUBLISHED, D("60.0"))
    assert credit(client, base_admin, professional_of(employer), copy, "V2", hours="60").status_code == 201
    credited.refresh_from_db()
    assert credited.hours == D("1.0") and HourRecord.objects.filter(course=credited).count() == 1
    assert HourRecord.objects.get(course=copy).hours == D("60.0")


def test_the_api_copies_as_a_new_version(base_admin, credited):
    api = APIClient()
    api.force_authenticate(base_admin)
    response = api.post(reverse("api-course-new-version", args=[credited.pk]))
    assert response.status_code == 201
    body = response.json()
    assert body["previous_version"] == credited.pk and body["status"] == "draft" and body["frozen_at"] is None


def test_a_provider_of_another_unit_has_no_right_at_all(client, credited):
    other = OrganisationFactory(provincial_base=True)
    WorkPlanFactory(base=other, year=2022)
    PlatformFactory(owner=other)
    stranger = user_with_role(Role.BASE_ADMIN, other)
    client.force_login(stranger)
    assert client.get(reverse("courses:course_edit", args=[credited.pk])).status_code == 404
    assert client.post(reverse("courses:course_new_version", args=[credited.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.patch(reverse("api-course-detail", args=[credited.pk]), {"title": "x"}, format="json").status_code == 404
    assert api.post(reverse("api-course-new-version", args=[credited.pk])).status_code == 404
    with pytest.raises(Exception, match="无权"):
        services.copy_course_as_new_version(actor=stranger, course=credited)
    assert not Course.objects.filter(previous_version=credited).exists()


def test_a_professional_cannot_copy_a_course(client, credited, employer):
    client.force_login(professional_of(employer))
    assert client.post(reverse("courses:course_new_version", args=[credited.pk])).status_code == 403
    assert not Course.objects.filter(previous_version=credited).exists()
