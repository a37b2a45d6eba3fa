"""Robust intake (issue 11, point 7): every row field is type-checked before use, so a list or an
object where a value belongs is a row error in a 400, never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from credits.models import HourRecord
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, post, professional_of
from .test_rights import platform_row


@pytest.fixture
def setup(client, policy, employer):
    base = OrganisationFactory(national_base=True)
    client.force_login(user_with_role(Role.BASE_ADMIN, base))
    return client, professional_of(employer), CourseFactory(provider=base)


@pytest.mark.parametrize("value", [[], [1], {}, {"id": 1}, True, 1.5, "1;2", -1])
def test_a_bulk_row_whose_course_is_not_an_id_is_a_row_error(setup, value):
    """The old hole: a `course` list or object answered 500."""
    client, person, course = setup
    response = post(client, reverse("api-hour-records-bulk"), [{**platform_row(person, course, "K1"), "course": value}])
    assert response.status_code == 400, response.content
    assert "course" in response.json()["errors"]["rows"][0]["errors"]
    assert not HourRecord.objects.exists()


@pytest.mark.parametrize(
    "field", ["id_number", "year", "category", "hours", "training", "title", "source", "completed_on", "external_ref"]
)
@pytest.mark.parametrize("value", [[], {"a": 1}, True])
def test_every_field_of_a_bulk_row_is_type_checked(setup, field, value):
    client, person, course = setup
    response = post(client, reverse("api-hour-records-bulk"), [{**platform_row(person, course, "K2"), field: value}])
    assert response.status_code == 400, response.content
    [bad] = response.json()["errors"]["rows"]
    assert bad["index"] == 0 and bad["errors"]
    assert not HourRecord.objects.exists()


def test_a_bulk_item_that_is_not_an_object_is_a_400(setup):
    client, person, course = setup
    response = post(client, reverse("api-hour-records-bulk"), [platform_row(person, course, "K3"), [1, 2]])
    assert response.status_code == 400
    assert response.json()["detail"] and not HourRecord.objects.exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["id_number", "year", "category", "hours", "course", "training", "completed_on"]),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
        max_leaves=5,
    ),
)
def test_no_json_value_in_any_field_answers_500(setup, field, value):
    client, person, course = setup
    response = post(client, reverse("api-hour-records-bulk"), [{**platform_row(person, course, "H1"), field: value}])
    assert response.status_code in (200, 201, 400, 404, 409), response.content
    assert set(response.json()) >= {"detail", "code"} or "created" in response.json()
