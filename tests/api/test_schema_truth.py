"""The schema tells the truth and nothing internal (issue 22, audit): nullable relations say so,
page sizes outside 1-500 are refused with a 400 as documented, ids and years state the ranges the
views accept, view and serializer docstrings are not published, and a session's CSRF failure
answers in Chinese in the error shape."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from courses.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return json.loads(client.get(reverse("api-schema"), {"format": "json"}).content)


def test_a_course_without_topic_sector_or_platform_matches_its_schema(client, schema):
    from tests.courses.factories import CourseFactory

    professional = CourseFactory(professional=True, platform=None)  # no topic, no platform
    public = CourseFactory(status=Course.Status.PUBLISHED)  # no sector
    offline = client.get(reverse("api-course-detail", args=[professional.pk])).json()
    assert offline["topic"] is None and offline["platform"] is None
    assert client.get(reverse("api-course-detail", args=[public.pk])).json()["sector"] is None
    properties = schema["components"]["schemas"]["Course"]["properties"]
    assert all(properties[name]["nullable"] for name in ("topic", "sector", "platform"))


@pytest.mark.parametrize("page_size", ["0", "501", "-1", "x"])
def test_a_page_size_outside_the_documented_bounds_is_refused_in_the_error_shape(client, schema, page_size):
    response = client.get(reverse("api-courses"), {"page_size": page_size})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and "page_size" in body["errors"]
    assert "1 至 500" in body["detail"]
    [documented] = [p for p in schema["paths"]["/api/v1/courses/"]["get"]["parameters"] if p["name"] == "page_size"]
    assert (documented["schema"]["minimum"], documented["schema"]["maximum"]) == (1, 500)


@pytest.mark.parametrize("page_size", ["1", "500"])
def test_page_sizes_within_the_bounds_are_served(client, page_size):
    assert client.get(reverse("api-courses"), {"page_size": page_size}).status_code == 200


def _parameter(schema, path, name):
    for operation in schema["paths"][path].values():
        for parameter in operation.get("parameters", []):
            if parameter["name"] == name:
                return parameter["schema"]
    raise AssertionError(f"{path} has no parameter {name}")


def test_every_path_id_states_its_range(schema):
    ids = [
        parameter["schema"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]
    assert ids and all(s["minimum"] == 1 and s["maximum"] == 2**63 - 1 for s in ids)


@pytest.mark.parametrize(
    ("path", "url", "minimum", "maximum"),
    [("/api/v1/courses/", "/api/v1/courses/", 2000, 2100), ("/api/v1/me/hours/", "/api/v1/me/hours/", 1901, 2999)],
)
def test_years_state_the_range_the_view_accepts(client, role_users, schema, path, url, minimum, maximum):
    documented = _parameter(schema, path, "year")
    assert (documented["minimum"], documented["maximum"]) == (minimum, maximum)
    client.force_login(role_users[Role.PROFESSIONAL])
    assert client.get(url, {"year": maximum + 1}).status_code == 400
    assert client.get(url, {"year": minimum - 1}).status_code == 400
    assert client.get(url, {"year": minimum}).status_code in (200, 422)  # 422: no policy that year


def test_anonymous_readers_get_no_docstrings(client):
    text = client.get(reverse("api-schema"), {"format": "json"}).content.decode()
    schema = json.loads(text)
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert not any("description" in op for op in operations)
    assert not any(
        "description" in component
        for component in schema["components"]["schemas"].values()
        if "properties" in component
    )
    for internal in ("selectors.", "API_TOKEN_LIFETIME", "shared/API.md", "records_decidable_by"):
        assert internal not in text


def test_a_session_post_without_csrf_token_is_refused_in_chinese_in_the_error_shape(role_users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(role_users[Role.BASE_ADMIN])
    response = browser.post(reverse("api-courses"), {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "页面已过期或安全校验失败，请刷新页面后重新提交。",
        "code": "csrf_failed",
        "errors": {},
    }
