"""The shared permission predicates, per object."""

import pytest

from accounts.models import Role
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    jinan_employer = OrganisationFactory(city="jinan")
    qingdao_employer = OrganisationFactory(city="qingdao")
    return {
        "staff": user_with_role(Role.PROFESSIONAL, jinan_employer),
        "colleague": user_with_role(Role.PROFESSIONAL, jinan_employer),
        "outsider": user_with_role(Role.PROFESSIONAL, qingdao_employer),
        "admin": user_with_role(Role.EMPLOYER_ADMIN, jinan_employer),
        "other_admin": user_with_role(Role.EMPLOYER_ADMIN, qingdao_employer),
        "jinan_bureau": user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")),
        "qingdao_bureau": user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="qingdao")),
        "province": user_with_role(Role.PROVINCE_STAFF),
        "expert": user_with_role(Role.EXPERT),
    }


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [
        ("staff", True),
        ("admin", True),
        ("jinan_bureau", True),
        ("province", True),
        ("colleague", False),
        ("other_admin", False),
        ("qingdao_bureau", False),
        ("expert", False),
    ],
)
def test_who_may_view_a_professional(people, viewer, allowed):
    assert people[viewer].has_perm("accounts.view_professional", people["staff"]) is allowed


def test_employer_admin_of_another_employer_sees_nothing_of_its_staff(people):
    from accounts.rules import is_employer_admin_of

    assert is_employer_admin_of(people["admin"], people["staff"])
    assert not is_employer_admin_of(people["other_admin"], people["staff"])
    assert not is_employer_admin_of(people["admin"], people["outsider"])


def test_city_staff_are_over_the_units_of_their_own_city_only(people):
    from accounts.rules import is_city_staff_over

    jinan_unit = people["staff"].memberships.get().organisation
    assert is_city_staff_over(people["jinan_bureau"], jinan_unit)
    assert not is_city_staff_over(people["qingdao_bureau"], jinan_unit)


def test_a_revoked_role_no_longer_counts(people):
    from accounts.selectors import forget_roles
    from accounts.services import revoke_role

    admin = people["admin"]
    revoke_role(membership=admin.memberships.get(role=Role.EMPLOYER_ADMIN))
    forget_roles(admin)
    assert not admin.has_perm("accounts.view_professional", people["staff"])
