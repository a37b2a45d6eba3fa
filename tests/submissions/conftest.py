import pytest

from accounts.models import Organisation, Role
from tests.factories import OrganisationFactory, user_with_role

from .factories import CallFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def province(db):
    return OrganisationFactory(name="山东省人力资源和社会保障厅", kind=Organisation.Kind.PROVINCIAL_BUREAU)


@pytest.fixture
def association(db):
    return OrganisationFactory(name="山东省继续工程教育协会", kind=Organisation.Kind.ASSOCIATION)


@pytest.fixture
def department(db):
    return OrganisationFactory(name="山东省卫生健康委员会", kind=Organisation.Kind.INDUSTRY_DEPARTMENT)


@pytest.fixture
def other_department(db):
    return OrganisationFactory(name="山东省教育厅", kind=Organisation.Kind.INDUSTRY_DEPARTMENT)


@pytest.fixture
def call(province):
    return CallFactory(receiver=province)


@pytest.fixture
def unit_user(department):
    return user_with_role(Role.DEPARTMENT_STAFF, department)


@pytest.fixture
def other_unit_user(other_department):
    return user_with_role(Role.DEPARTMENT_STAFF, other_department)


@pytest.fixture
def reviewer(province):
    return user_with_role(Role.PROVINCE_STAFF, province)


@pytest.fixture
def association_admin(association):
    return user_with_role(Role.ASSOCIATION_ADMIN, association)
