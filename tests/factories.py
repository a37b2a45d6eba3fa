"""Factories for accounts: organisations of each kind, professionals with valid ID numbers."""

import datetime

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import City, Membership, Organisation, Role, User
from accounts.validators import check_character

PASSWORD = "correct-horse-2022"


def valid_id_number(n: int, city_prefix: str = "370102", born: datetime.date | None = None) -> str:
    """The n-th distinct valid ID number (GB 11643 checksum, real birth date)."""
    born = born or datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 900)
    first17 = f"{city_prefix}{born:%Y%m%d}{n % 900 + 100:03d}"
    return first17 + check_character(first17)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organisation.Kind.EMPLOYER
    city = City.JINAN

    class Params:
        national_base = factory.Trait(kind=Organisation.Kind.CE_BASE, base_level="national")
        provincial_base = factory.Trait(kind=Organisation.Kind.CE_BASE, base_level="provincial")
        city_bureau = factory.Trait(kind=Organisation.Kind.CITY_BUREAU)
        provincial_bureau = factory.Trait(kind=Organisation.Kind.PROVINCIAL_BUREAU)
        department = factory.Trait(kind=Organisation.Kind.INDUSTRY_DEPARTMENT)
        association = factory.Trait(kind=Organisation.Kind.ASSOCIATION)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    # Hashed lazily, with the fast hasher the test settings choose.
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")


class ProfessionalUserFactory(UserFactory):
    id_number = factory.Sequence(valid_id_number)
    is_verified = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROFESSIONAL


ROLE_KIND_TRAIT = {
    Role.PROFESSIONAL: {},
    Role.EMPLOYER_ADMIN: {},
    Role.CITY_STAFF: {"city_bureau": True},
    Role.PROVINCE_STAFF: {"provincial_bureau": True},
    Role.DEPARTMENT_STAFF: {"department": True},
    Role.BASE_ADMIN: {"national_base": True},
    Role.ASSOCIATION_ADMIN: {"association": True},
    Role.EXPERT: {"association": True},
}


def user_with_role(role: str, organisation: Organisation | None = None, **user_fields) -> User:
    """A user holding `role` in `organisation` (a fitting new one if not given)."""
    if organisation is None:
        organisation = OrganisationFactory(**ROLE_KIND_TRAIT[Role(role)])
    factory_cls = ProfessionalUserFactory if role in (Role.PROFESSIONAL, Role.EXPERT) else UserFactory
    user = factory_cls(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user
