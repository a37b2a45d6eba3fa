"""What the read pages keep between requests (issue 15, reads): menus per set of roles, report
fragments per set of rows, a person's hours behind a version every write bumps. Nothing cached
may show one user what belongs to another, nor anything older than one's own last write."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from tests.factories import OrganisationFactory, user_with_role

from .factories import approved_record, professional_of

pytestmark = pytest.mark.django_db


def test_city_report_fragments_follow_the_figures_and_keep_per_user_links_apart(client, role_users, policy):
    staff = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="weihai"))
    school = OrganisationFactory(name="威海测试中学", city="weihai")
    person = professional_of(school)
    url = reverse("credits:city_report")
    client.force_login(staff)
    before = client.get(url, {"year": 2022}).content.decode()
    assert "学时核查" in before  # the city bureau's own audit link
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    after = client.get(url, {"year": 2022}).content.decode()
    assert "100%" in after.split('aria-labelledby="table-title"', 1)[1]
    assert "100%" not in before.split('aria-labelledby="table-title"', 1)[1]
    # The province sees the same city's figures, without the city bureau's audit link.
    client.force_login(role_users[Role.PROVINCE_STAFF])
    province = client.get(url, {"year": 2022, "city": "weihai"}).content.decode()
    assert province.split('aria-labelledby="table-title"', 1)[1] == after.split('aria-labelledby="table-title"', 1)[1]
    assert "学时核查" not in province


def test_menus_differ_by_roles_for_the_same_page(client, role_users, policy):
    client.force_login(role_users[Role.PROFESSIONAL])
    professional = client.get(reverse("portal:home")).content.decode()
    client.force_login(role_users[Role.PROVINCE_STAFF])
    province = client.get(reverse("portal:home")).content.decode()
    assert reverse("credits:province_report") in province
    assert reverse("credits:province_report") not in professional
    assert reverse("credits:my_hours") in professional


# A person's hours are cached only outside transactions: these tests commit like production.
committed = pytest.mark.django_db(transaction=True)


def _my_hours(client, year=2022):
    return client.get(reverse("credits:my_hours"), {"year": year}).content.decode()


def _me_api(client, year=2022):
    return client.get(reverse("api-me-hours"), {"year": year}).json()


@committed
def test_versions_change_on_commit_only_and_a_lost_version_is_never_reused():
    from django.core.cache import cache
    from django.db import transaction

    from portal import cache_versions as cv

    def versions(pk):
        return cv.current(cv.SHARED, cv.person(pk))

    first = versions(7)
    assert versions(7) == first  # stable while nothing changes
    with transaction.atomic():
        cv.bump_people([7])
        assert versions(7) == first  # not before the write commits
    after_write = versions(7)
    assert after_write != first and after_write[0] == first[0]
    assert versions(8)[0] == after_write[0]  # others keep theirs
    cv.bump(cv.SHARED)
    assert versions(7)[0] != after_write[0]
    before_loss = versions(7)
    cache.delete(cv._key(cv.person(7)))  # evicted: a new value, never a default an old entry matches
    assert versions(7) not in {before_loss, first, after_write}


@committed
def test_a_many_people_batch_bumps_the_shared_version():
    from portal import cache_versions as cv

    shared = cv.current(cv.SHARED)
    cv.bump_people(range(cv.MAX_PEOPLE_BUMPED + 1))
    assert cv.current(cv.SHARED) != shared


@committed
def test_my_hours_shows_ones_own_self_report_and_its_approval_at_once(client, policy, employer):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from credits import services

    from .test_pages import PNG

    person = professional_of(employer)
    approved_record(person, hours="12", category=Category.PUBLIC, title="已有课程")
    client.force_login(person)
    assert "已有课程" in _my_hours(client) and _me_api(client)["public_hours"] == "12.0"
    assert re.search(r"公需课：12(\.0)? /", _my_hours(client))
    assert "自学申报甲" not in _my_hours(client)  # now from the cache
    record, _ = services.self_report_hours(
        professional=person,
        year=2022,
        title="自学申报甲",
        completed_on=datetime.date(2022, 5, 1),
        category=Category.PUBLIC,
        hours="3",
        proof=SimpleUploadedFile("p.png", PNG),
    )
    assert "自学申报甲" in _my_hours(client)
    assert any(r["title"] == "自学申报甲" and r["status"] == "pending" for r in _me_api(client)["records"])
    admin = Client()
    admin.force_login(user_with_role(Role.EMPLOYER_ADMIN, employer))
    assert admin.post(reverse("api-hour-record-approve", args=[record.pk])).status_code == 200
    assert _me_api(client)["public_hours"] == "15.0"
    assert re.search(r"公需课：15(\.0)? /", _my_hours(client))


@committed
def test_two_people_on_the_same_url_never_see_each_other(client, policy, employer):
    first, second = professional_of(employer), professional_of(employer)
    approved_record(first, hours="7", title="甲的课程")
    approved_record(second, hours="9", title="乙的课程")
    client.force_login(first)
    page, api = _my_hours(client), _me_api(client)
    assert "甲的课程" in page and "乙的课程" not in page and api["public_hours"] == "7.0"
    client.force_login(second)
    page, api = _my_hours(client), _me_api(client)
    assert "乙的课程" in page and "甲的课程" not in page and api["public_hours"] == "9.0"


@committed
def test_a_policy_change_shows_on_the_next_read(client, policy, employer):
    person = professional_of(employer)
    client.force_login(person)
    assert _me_api(client)["required"]["public"] == "30.0"
    policy.min_public = 40
    policy.min_total = 100
    policy.save()
    assert _me_api(client)["required"]["public"] == "40.0"


@committed
def test_the_cache_serves_a_repeated_read_without_the_ledger_queries(client, policy, employer):
    from tests.queries import expect_queries

    person = professional_of(employer)
    approved_record(person, hours="7")
    client.force_login(person)
    _me_api(client)
    # Expect 3 queries: session, user, roles (permission check); the policy and the body come
    # from the cache.
    with expect_queries("django_session", "accounts_user", "accounts_membership"):
        assert _me_api(client)["public_hours"] == "7.0"


def test_compliance_api_rows_are_what_the_documented_serializer_writes(client, role_users, policy, employer):
    from credits import selectors
    from credits.api import ComplianceRowSerializer

    approved_record(role_users[Role.PROFESSIONAL], hours="12.5", category=Category.PUBLIC)
    approved_record(professional_of(employer, name="乙"), hours="64", category=Category.PROFESSIONAL)
    professional_of(employer, name="丙")
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    body = client.get(reverse("api-organisation-compliance", args=[employer.pk]), {"year": 2022}).json()
    rows = list(selectors.roster(organisation_id=employer.pk, year=2022))
    for row in rows:
        row.figures = selectors.compliance_with(
            policy=policy, public=row.public_hours, professional=row.professional_hours, lines=[]
        )
    assert len(body["results"]) == 3
    assert body["results"] == [dict(r) for r in ComplianceRowSerializer(rows, many=True).data]
