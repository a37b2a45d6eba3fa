"""The employer roster's summary (达标率 and counts) and a person's records (issue 14)."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from courses.models import Category
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import approved_record, professional_of
from .test_decision_place import self_report

pytestmark = pytest.mark.django_db


def _compliant(person):
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)


@pytest.fixture
def staff(employer):
    done, short, waiting = (professional_of(employer, name=n) for n in ("达标者", "未达者", "待审者"))
    _compliant(done)
    approved_record(short, hours="10", category=Category.PUBLIC)
    self_report(waiting)  # through the service, so the rollup counts it as pending
    return {"done": done, "short": short, "waiting": waiting}


def test_roster_summary_counts_staff_compliant_non_compliant_pending_and_rate(client, role_users, policy, staff):
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    response = client.get(reverse("credits:roster"), {"year": 2022})
    summary = response.context["summary"]
    # role_users' own professional is on the staff too (not compliant).
    assert (summary.staff, summary.compliant, summary.not_compliant, summary.pending) == (4, 1, 3, 1)
    body = response.content.decode()
    assert "达标率" in body and "25%" in body and 'role="img"' in body
    assert "<dd>4</dd>" in body and "<dd>3</dd>" in body


def test_summary_stays_whole_while_the_non_compliant_filter_narrows_the_table(client, role_users, policy, staff):
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    response = client.get(reverse("credits:roster"), {"year": 2022, "compliant": "0"})
    names = [m.user.name for m in response.context["page"]]
    assert "达标者" not in names and {"未达者", "待审者"} <= set(names)
    assert response.context["summary"].staff == 4


def test_summary_of_an_employer_without_staff_says_no_one(client, policy):
    empty = OrganisationFactory()
    client.force_login(user_with_role(Role.EMPLOYER_ADMIN, empty))
    response = client.get(reverse("credits:roster"), {"year": 2022})
    assert response.context["summary"].staff == 0 and response.context["summary_share"] is None
    assert "无人员" in response.content.decode() and "0.0%" not in response.content.decode()


def test_names_open_the_person_s_records(client, role_users, policy, employer, staff):
    membership = Membership.objects.get(user=staff["waiting"], role=Role.PROFESSIONAL)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    body = client.get(reverse("credits:roster"), {"year": 2022}).content.decode()
    url = reverse("credits:person_records", args=[membership.pk])
    assert url in body
    response = client.get(url, {"year": 2022})
    body = response.content.decode()
    assert response.status_code == 200 and "待审者" in body
    assert "待审核" in body and "个人申报" in body and "2022年5月1日" in body
    assert staff["waiting"].id_number not in body and staff["waiting"].id_number[-4:] in body


def _person_url(person):
    return reverse("credits:person_records", args=[Membership.objects.get(user=person, role=Role.PROFESSIONAL).pk])


def test_person_records_scope(client, role_users, policy, employer, other_employer, staff):
    url = _person_url(staff["done"])
    assert client.get(url).status_code == 302  # login first
    allowed = {
        "own employer admin": role_users[Role.EMPLOYER_ADMIN],
        "bureau of its city": user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")),
        "province": role_users[Role.PROVINCE_STAFF],
    }
    refused = {
        "another employer's admin": user_with_role(Role.EMPLOYER_ADMIN, other_employer),
        "bureau of another city": user_with_role(
            Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="qingdao")
        ),
        "a colleague": role_users[Role.PROFESSIONAL],
        "a CE base": role_users[Role.BASE_ADMIN],
    }
    for who, user in allowed.items():
        client.force_login(user)
        assert client.get(url, {"year": 2022}).status_code == 200, who
    for who, user in refused.items():
        client.force_login(user)
        assert client.get(url, {"year": 2022}).status_code == 404, who


def test_a_person_who_left_is_no_longer_shown_to_the_old_employer(client, role_users, policy, staff):
    url = _person_url(staff["done"])
    Membership.objects.filter(user=staff["done"]).update(is_active=False)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("n", [1, 15])
def test_person_records_query_count(client, role_users, policy, employer, n):
    person = professional_of(employer)
    for i in range(n):
        approved_record(person, hours="1", title=f"课程{i}")
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    url = _person_url(person)
    # Expect 10 queries: session, user, the viewer's roles, the membership with person and employer,
    # years with a policy, the policy, the person's year summary, the person's employer, the
    # requirements binding it (none here, so no per-person check), the ledger rows with relations.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_yearsummary",
        "accounts_membership",
        "credits_requirement",
        "credits_hourrecord",
    ):
        assert client.get(url, {"year": 2022}).status_code == 200
