import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Membership, Organisation, Role, User
from accounts.services import create_professional, grant_role
from tests.factories import OrganisationFactory, ProfessionalUserFactory, UserFactory, valid_id_number

pytestmark = pytest.mark.django_db


def test_create_professional_stores_normalised_id_number():
    number = valid_id_number(5)
    user = create_professional(username="zhang", name="张三", id_number=f" {number.lower()} ")
    assert user.id_number == number.upper()


def test_duplicate_id_number_is_rejected_and_nothing_is_created():
    number = valid_id_number(6)
    create_professional(username="a", name="甲", id_number=number)
    with pytest.raises(ValidationError) as info:
        create_professional(username="b", name="乙", id_number=number)
    assert "已注册" in str(info.value)
    assert not User.objects.filter(username="b").exists()


def test_wrong_checksum_creates_nothing():
    number = valid_id_number(7)
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError):
        create_professional(username="c", name="丙", id_number=bad)
    assert User.objects.count() == 0


def test_lower_case_x_cannot_dodge_uniqueness():
    from django.db import IntegrityError

    ProfessionalUserFactory(id_number="11010519491231002X")
    with pytest.raises(IntegrityError):
        ProfessionalUserFactory(id_number="11010519491231002x")


def test_unknown_role_is_rejected():
    user = ProfessionalUserFactory()
    with pytest.raises(ValidationError) as info:
        grant_role(user=user, organisation=OrganisationFactory(), role="wizard")
    assert "未知角色" in str(info.value)
    assert not Membership.objects.exists()


def test_role_must_fit_organisation_kind():
    user = UserFactory()
    with pytest.raises(ValidationError) as info:
        grant_role(user=user, organisation=OrganisationFactory(), role=Role.PROVINCE_STAFF)
    assert "只能授予" in str(info.value)
    assert not Membership.objects.exists()


def test_professional_needs_an_id_number():
    with pytest.raises(ValidationError):
        grant_role(user=UserFactory(), organisation=OrganisationFactory(), role=Role.PROFESSIONAL)
    assert not Membership.objects.exists()


def test_moving_employer_ends_previous_staff_membership_and_is_audited():
    user = ProfessionalUserFactory()
    first, second = OrganisationFactory(), OrganisationFactory()
    grant_role(user=user, organisation=first, role=Role.PROFESSIONAL)
    grant_role(user=user, organisation=second, role=Role.PROFESSIONAL)
    active = Membership.objects.filter(user=user, is_active=True)
    assert [m.organisation for m in active] == [second]
    assert AuditEvent.objects.filter(type=AuditEvent.Type.ROLE_GRANTED).count() == 2


def test_database_refuses_two_active_employers():
    from django.db import IntegrityError, transaction

    user = ProfessionalUserFactory()
    Membership.objects.create(user=user, organisation=OrganisationFactory(), role=Role.PROFESSIONAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organisation=OrganisationFactory(), role=Role.PROFESSIONAL)


def test_city_bureau_needs_a_city():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Organisation.objects.create(name="无城市人社局", kind=Organisation.Kind.CITY_BUREAU, city="")
