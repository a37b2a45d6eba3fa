"""API v1 contract: GET submissions/calls/, POST submissions/, GET submissions/{id}/."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from submissions import services
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import IN_TIME, CallFactory, pdf_upload, shanghai, word_upload

pytestmark = pytest.mark.django_db

TITLE = "山东省卫生健康委员会2022年度继续教育材料"


@pytest.fixture
def api():
    return APIClient()


def post(api, call, title=TITLE, **files):
    data = {"call": call.pk, "title": title, "word_file": word_upload(), "pdf_file": pdf_upload()}
    data.update(files)
    data = {k: v for k, v in data.items() if v is not None}
    with mock.patch("django.utils.timezone.now", return_value=files.pop("now", IN_TIME)):
        return api.post(reverse("api-submissions"), data, format="multipart")


def test_calls_list_shows_calls_with_deadlines(api, call, unit_user):
    api.force_authenticate(unit_user)
    response = api.get(reverse("api-calls"), {"year": 2022})
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["id"] == call.pk
    assert row["deadline"] == "2022-04-30T23:59:59+08:00"
    assert row["my_deadline"] == "2022-04-30T23:59:59+08:00"
    assert row["is_open"] is False  # 2022 is over
    assert api.get(reverse("api-calls"), {"year": 2021}).json()["results"] == []


def test_calls_list_open_only_lists_calls_still_open_for_my_unit(
    api, call, department, other_department, unit_user, other_unit_user, reviewer
):
    later = CallFactory(receiver=call.receiver, year=2023, deadline=shanghai(2023, 4, 30, 23, 59, 59))
    url = reverse("api-calls")
    api.force_authenticate(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 5, 1, 0, 0, 0)):
        assert [c["id"] for c in api.get(url, {"open": "true"}).json()["results"]] == [later.pk]
        assert {c["id"] for c in api.get(url).json()["results"]} == {call.pk, later.pk}
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 4, 30, 23, 59, 59, 500000)):
        assert {c["id"] for c in api.get(url, {"open": "1"}).json()["results"]} == {call.pk, later.pk}
    services.grant_extension(
        call=call, unit=department, deadline=shanghai(2022, 5, 10, 23, 59, 59), reason="原因", granted_by=reviewer
    )
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 5, 1, 0, 0, 0)):
        rows = api.get(url, {"open": "true"}).json()["results"]
        assert [(c["id"], c["is_open"]) for c in rows] == [(later.pk, True), (call.pk, True)]
        api.force_authenticate(other_unit_user)
        assert [c["id"] for c in api.get(url, {"open": "true"}).json()["results"]] == [later.pk]
        response = api.get(url, {"open": "maybe"})
    assert response.status_code == 400
    assert "open" in response.json()["errors"]


def test_calls_list_shows_my_extension(api, call, department, unit_user, reviewer):
    services.grant_extension(
        call=call, unit=department, deadline=shanghai(2022, 5, 10, 23, 59, 59), reason="原因", granted_by=reviewer
    )
    api.force_authenticate(unit_user)
    assert api.get(reverse("api-calls")).json()["results"][0]["my_deadline"] == "2022-05-10T23:59:59+08:00"


@pytest.mark.parametrize("n", [1, 8])
def test_calls_list_query_count_is_constant(api, province, department, unit_user, n):
    for i in range(n):
        CallFactory(receiver=province, year=2000 + i)
    api.force_authenticate(unit_user)
    # roles, the unit's kind, the unit's recommending years, the unit's call ids, count, page of
    # calls, my extensions
    with expect_queries(
        "accounts_membership",
        "accounts_organisation",
        "selection_recommendation",
        "submissions_call",
        "submissions_call",
        "submissions_call",
        "submissions_extension",
    ):
        response = api.get(reverse("api-calls"))
    assert response.json()["count"] == n


def test_calls_list_needs_login_and_a_role(api, call):
    assert api.get(reverse("api-calls")).status_code == 401
    api.force_authenticate(user_with_role(Role.PROFESSIONAL))
    assert api.get(reverse("api-calls")).status_code == 403


def test_post_submission_returns_201_with_state(api, call, unit_user):
    api.force_authenticate(unit_user)
    response = post(api, call)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["current_version"]["number"] == 1
    assert body["events"][0]["action"] == "submitted"
    detail = api.get(reverse("api-submission-detail", args=[body["id"]]))
    assert detail.status_code == 200
    assert detail.json()["title"] == TITLE


def test_post_twice_is_409(api, call, unit_user):
    api.force_authenticate(unit_user)
    post(api, call)
    response = post(api, call)
    assert response.status_code == 409
    assert response.json()["code"] == "already_submitted"


def test_post_after_deadline_is_422(api, call, unit_user):
    api.force_authenticate(unit_user)
    response = post(api, call, now=shanghai(2022, 5, 1, 0, 0, 0))
    assert response.status_code == 422
    assert response.json()["code"] == "deadline_passed"
    assert "报送已截止" in response.json()["detail"]


def test_post_wrong_title_is_422(api, call, unit_user):
    api.force_authenticate(unit_user)
    response = post(api, call, title="山东省教育厅2022年度继续教育材料")
    assert response.status_code == 422
    assert response.json()["code"] == "wrong_title"


def test_post_with_one_file_is_400(api, call, unit_user):
    api.force_authenticate(unit_user)
    response = post(api, call, pdf_file=None)
    assert response.status_code == 400
    assert "pdf_file" in response.json()["errors"]


def test_post_exe_as_pdf_is_400(api, call, unit_user):
    api.force_authenticate(unit_user)
    response = post(api, call, pdf_file=SimpleUploadedFile("a.pdf", b"MZ" + b"\0" * 100))
    assert response.status_code == 400
    assert "pdf_file" in response.json()["errors"]


def test_post_for_call_unit_is_not_asked_is_422(api, call):
    api.force_authenticate(user_with_role(Role.BASE_ADMIN))
    response = post(api, call)
    assert response.status_code == 422
    assert response.json()["code"] == "not_expected"


def test_post_by_reviewer_is_403(api, call, reviewer):
    api.force_authenticate(reviewer)
    assert post(api, call).status_code == 403


def test_another_units_submission_is_404(api, call, unit_user, other_unit_user, reviewer, association_admin):
    api.force_authenticate(unit_user)
    pk = post(api, call).json()["id"]
    api.force_authenticate(other_unit_user)
    assert api.get(reverse("api-submission-detail", args=[pk])).status_code == 404
    api.force_authenticate(association_admin)
    assert api.get(reverse("api-submission-detail", args=[pk])).status_code == 404
    api.force_authenticate(reviewer)
    assert api.get(reverse("api-submission-detail", args=[pk])).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_submission_list_query_count_is_constant(api, province, reviewer, n):
    from accounts.models import Organisation
    from tests.factories import OrganisationFactory

    call = CallFactory(receiver=province)
    for i in range(n):
        unit = OrganisationFactory(name=f"厅{i}", kind=Organisation.Kind.INDUSTRY_DEPARTMENT)
        services.send_materials(
            call=call,
            unit=unit,
            user=reviewer,
            title=f"厅{i}2022年度继续教育材料",
            word_file=word_upload(),
            pdf_file=pdf_upload(),
            now=IN_TIME,
        )
    api.force_authenticate(reviewer)
    with expect_queries(
        "accounts_membership", "submissions_submission", "submissions_submission", "submissions_submissionevent"
    ):
        response = api.get(reverse("api-submissions"))
    assert response.json()["count"] == n
