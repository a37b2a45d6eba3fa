"""Every page, per role: allowed 200, other roles 403 (or 404 when the object is not theirs),
anonymous to the login page."""

import pytest
from django.urls import reverse

from accounts.models import Organisation, Role
from submissions import services
from submissions.selectors import unit_ids_of
from tests.queries import expect_queries

from .factories import IN_TIME, CallFactory, pdf_upload, word_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(role_users):
    """A call received by the province-staff user's bureau, answered (twice) by the department user's unit."""
    province_org = Organisation.objects.get(pk=unit_or_org(role_users[Role.PROVINCE_STAFF], Role.PROVINCE_STAFF))
    department_org = Organisation.objects.get(pk=unit_ids_of(role_users[Role.DEPARTMENT_STAFF])[0])
    call = CallFactory(receiver=province_org)
    sender = role_users[Role.DEPARTMENT_STAFF]
    title = services.required_title(unit=department_org, year=2022)
    submission = services.send_materials(
        call=call,
        unit=department_org,
        user=sender,
        title=title,
        word_file=word_upload(),
        pdf_file=pdf_upload(),
        now=IN_TIME,
    )
    services.review_submission(
        submission=submission, reviewer=role_users[Role.PROVINCE_STAFF], accept=False, comment="改"
    )
    services.send_materials(
        call=call,
        unit=department_org,
        user=sender,
        title=title,
        word_file=word_upload(),
        pdf_file=pdf_upload(),
        now=IN_TIME,
    )
    return {"call": call, "submission": submission, "version": submission.versions.first()}


def unit_or_org(user, role):
    return next(m.organisation_id for m in user.memberships.all() if m.role == role)


# page name -> (args from world, roles answered 200, roles answered 404 (may use the page but not this object))
PAGES = {
    "submissions:send": (lambda w: [w["call"].pk], {Role.DEPARTMENT_STAFF}, {Role.BASE_ADMIN, Role.CITY_STAFF}),
    "submissions:detail": (
        lambda w: [w["submission"].pk],
        {Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF},
        {Role.BASE_ADMIN, Role.CITY_STAFF, Role.ASSOCIATION_ADMIN},
    ),
    "submissions:compare": (
        lambda w: [w["submission"].pk],
        {Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF},
        {Role.BASE_ADMIN, Role.CITY_STAFF, Role.ASSOCIATION_ADMIN},
    ),
    "submissions:download": (
        lambda w: [w["version"].pk, "pdf"],
        {Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF},
        {Role.BASE_ADMIN, Role.CITY_STAFF, Role.ASSOCIATION_ADMIN},
    ),
    "submissions:call_status": (lambda w: [w["call"].pk], {Role.PROVINCE_STAFF}, {Role.ASSOCIATION_ADMIN}),
    "submissions:call_export": (lambda w: [w["call"].pk], {Role.PROVINCE_STAFF}, {Role.ASSOCIATION_ADMIN}),
    "submissions:call_zip": (lambda w: [w["call"].pk], {Role.PROVINCE_STAFF}, {Role.ASSOCIATION_ADMIN}),
    "submissions:extension_create": (lambda w: [w["call"].pk], {Role.PROVINCE_STAFF}, {Role.ASSOCIATION_ADMIN}),
    "submissions:call_create": (lambda w: [], {Role.PROVINCE_STAFF}, set()),
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", Role.values)
def test_page_access_per_role(client, role_users, world, name, role):
    args, allowed, not_theirs = PAGES[name]
    client.force_login(role_users[role])
    response = client.get(reverse(name, args=args(world)))
    expected = 200 if role in allowed else 404 if role in not_theirs else 403
    assert response.status_code == expected


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_anonymous_to_login(client, world, name):
    response = client.get(reverse(name, args=PAGES[name][0](world)))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.parametrize("role", Role.values)
def test_review_action_per_role(client, role_users, world, role):
    client.force_login(role_users[role])
    submission = world["submission"]
    response = client.post(
        reverse("submissions:review", args=[submission.pk]), {"decision": "accept", "confirmed": "1"}
    )
    expected = {Role.PROVINCE_STAFF: 302, Role.ASSOCIATION_ADMIN: 404}.get(role, 403)
    assert response.status_code == expected
    submission.refresh_from_db()
    assert submission.status == ("accepted" if role == Role.PROVINCE_STAFF else "resubmitted")


def test_reviewers_do_not_see_drafts(client, call, department, unit_user, reviewer):
    draft = services.send_materials(
        call=call,
        unit=department,
        user=unit_user,
        title="山东省卫生健康委员会2022年度继续教育材料",
        word_file=word_upload(),
        pdf_file=pdf_upload(),
        draft=True,
        now=IN_TIME,
    )
    client.force_login(reviewer)
    assert client.get(reverse("submissions:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("submissions:download", args=[draft.current_version.pk, "word"])).status_code == 404
    client.force_login(unit_user)
    assert client.get(reverse("submissions:detail", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_my_calls_query_count_is_constant(client, province, unit_user, n):
    for i in range(n):
        CallFactory(receiver=province, year=2010 + i)
    client.force_login(unit_user)
    # session, user, roles, units, unit kinds, the unit's recommending years, calls, submissions,
    # extensions
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "accounts_organisation",
        "selection_recommendation",
        "submissions_call",
        "submissions_submission",
        "submissions_extension",
    ):
        response = client.get(reverse("submissions:my_calls"))
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [1, 6])
def test_review_calls_query_count_is_constant(client, province, reviewer, n):
    for i in range(n):
        CallFactory(receiver=province, year=2010 + i)
    client.force_login(reviewer)
    # session, user, roles, calls, sent counts, accepted counts, expected per audience (one here), perms
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "submissions_call",
        "submissions_submission",
        "submissions_submission",
        "accounts_organisation",
    ):
        response = client.get(reverse("submissions:review_calls"))
    assert len(response.context["rows"]) == n
