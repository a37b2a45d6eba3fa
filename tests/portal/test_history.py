"""Every change to the tracked settings and records is recorded by the database (issue 21, item
7): old and new values, actor and time, from a page, the API, the admin, `.update()` and bulk
writes. The triggers exist on PostgreSQL only; on SQLite nothing is recorded (docs/history.md)."""

from decimal import Decimal as D

import pytest
from celery import shared_task
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from courses.models import Course
from credits.models import YearPolicy
from portal.history.context import recorded_as
from portal.history.models import CourseEvent, TeacherEvent, YearPolicyEvent
from tests.courses.factories import CourseFactory, TeacherFactory, TopicFactory
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="history triggers need PostgreSQL")


def _updates(event_model, obj):
    return list(event_model.objects.filter(pgh_obj_id=obj.pk, pgh_label="update").order_by("pgh_id"))


@pytest.fixture
def base():
    return OrganisationFactory(provincial_base=True, name="山东测试继续教育基地")


@pytest.fixture
def base_admin(base):
    return user_with_role(Role.BASE_ADMIN, base)


@pytest.mark.postgres
@postgres_only
def test_a_page_post_records_the_old_values_and_the_signed_in_actor(client):
    from tests.credits.factories import YearPolicyFactory

    policy = YearPolicyFactory(year=2022, review_threshold=None)
    province = user_with_role(Role.PROVINCE_STAFF)
    client.force_login(province)
    form = {
        "year": 2022, "min_total": "90", "min_public": "30", "min_professional": "60",
        "teaching_credit_multiplier": "2", "teaching_credit_category": "public", "closes_on": "2022-12-31",
        "review_threshold": "120", "rules-TOTAL_FORMS": "0", "rules-INITIAL_FORMS": "0",
    }  # fmt: skip
    assert client.post(reverse("credits:policy_edit", args=[2022]), form).status_code == 302
    (event,) = _updates(YearPolicyEvent, policy)
    assert event.review_threshold is None and event.closes_on is None
    assert event.pgh_context["user"] == province.pk
    assert event.pgh_context["url"] == reverse("credits:policy_edit", args=[2022])
    assert event.pgh_created_at is not None
    assert YearPolicy.objects.get(pk=policy.pk).review_threshold == D("120")


@pytest.mark.postgres
@postgres_only
def test_an_api_patch_by_token_names_the_provider(base, base_admin):
    course = CourseFactory(provider=base, status=Course.Status.DRAFT, hours=D("1.0"))
    api = APIClient()
    api.force_authenticate(base_admin)
    response = api.patch(reverse("api-course-detail", args=[course.pk]), {"hours": "60.0"}, format="json")
    assert response.status_code == 200, response.content
    (event,) = _updates(CourseEvent, course)
    assert event.hours == D("1.0") and event.pgh_context["user"] == base_admin.pk


@pytest.mark.postgres
@postgres_only
def test_the_admin_change_view_is_recorded_with_the_superuser(admin_client, admin_user):
    teacher = TeacherFactory(name="张三", id_number="")
    response = admin_client.post(
        reverse("admin:courses_teacher_change", args=[teacher.pk]),
        {
            "organisation": teacher.organisation_id,
            "name": "张三丰",
            "professional_title": "教授",
            "unit": "",
            "bio": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (event,) = _updates(TeacherEvent, teacher)
    assert event.name == "张三" and event.pgh_context["user"] == admin_user.pk


@pytest.mark.postgres
@postgres_only
def test_queryset_update_is_recorded_with_the_command_that_ran_it():
    course = CourseFactory(hours=D("1.0"))
    with recorded_as("command:shell"):
        Course.objects.filter(pk=course.pk).update(hours=D("60.0"))
    (event,) = _updates(CourseEvent, course)
    assert event.hours == D("1.0") and event.pgh_context["source"] == "command:shell"


@pytest.mark.postgres
@postgres_only
def test_bulk_create_and_bulk_update_are_recorded_row_by_row():
    topic = TopicFactory()
    provider = OrganisationFactory(provincial_base=True)
    fields = {"category": "public", "topic": topic, "mode": "online", "provider": provider, "year_from": 2022}
    with recorded_as("task:courses.import"):
        courses = Course.objects.bulk_create(
            [Course(title=f"批量{i}", hours=D("1.0"), year_to=2022, **fields) for i in range(3)]
        )
        for course in courses:
            course.hours = D("2.0")
        Course.objects.bulk_update(courses, ["hours"])
    created = CourseEvent.objects.filter(pgh_label="create", pgh_obj_id__in=[c.pk for c in courses])
    updated = CourseEvent.objects.filter(pgh_label="update", pgh_obj_id__in=[c.pk for c in courses])
    assert sorted(e.title for e in created) == ["批量0", "批量1", "批量2"]
    assert {e.hours for e in updated} == {D("1.0")} and updated.count() == 3
    assert {e.pgh_context["source"] for e in updated} == {"task:courses.import"}


@pytest.mark.postgres
@postgres_only
def test_a_save_that_changes_nothing_records_nothing():
    course = CourseFactory()
    course.save()
    assert _updates(CourseEvent, course) == []


@pytest.mark.postgres
@postgres_only
def test_a_delete_keeps_the_last_values():
    from tests.credits.factories import YearPolicyFactory

    policy = YearPolicyFactory(year=2031)
    pk = policy.pk
    with recorded_as("command:shell"):
        policy.delete()
    event = YearPolicyEvent.objects.get(pgh_obj_id=pk, pgh_label="delete")
    assert event.year == 2031


def test_on_sqlite_no_event_is_recorded_and_nothing_breaks():
    """docs/history.md: the triggers are PostgreSQL's; SQLite (the embedded default) records none."""
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    course = CourseFactory(hours=D("1.0"))
    with recorded_as("command:shell"):
        Course.objects.filter(pk=course.pk).update(hours=D("2.0"))
    assert not CourseEvent.objects.exists()


@shared_task(name="tests.portal.reprice_course")
def reprice_course(course_id: int) -> None:
    Course.objects.filter(pk=course_id).update(hours=D("9.0"))


@pytest.mark.postgres
@postgres_only
def test_a_celery_task_names_itself():
    course = CourseFactory(hours=D("1.0"))
    reprice_course.apply(args=[course.pk])
    (event,) = _updates(CourseEvent, course)
    assert event.hours == D("1.0") and event.pgh_context["source"] == "task:tests.portal.reprice_course"


@pytest.mark.postgres
@postgres_only
def test_a_change_outside_any_context_is_still_recorded_without_an_actor():
    course = CourseFactory(hours=D("1.0"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE courses_course SET hours = 5 WHERE id = %s", [course.pk])
    (event,) = _updates(CourseEvent, course)
    assert event.hours == D("1.0") and event.pgh_context is None
