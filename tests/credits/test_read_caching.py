"""What the read pages keep between requests (issue 15, reads): menus per set of roles, report
fragments per set of rows, a person's hours behind a version every write bumps. Nothing cached
may show one user what belongs to another, nor anything older than one's own last write."""

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
