import pytest

from accounts.models import Role
from tests.factories import OrganisationFactory, user_with_role

from .factories import PlatformFactory, TopicFactory, WorkPlanFactory


@pytest.fixture
def province(db):
    return OrganisationFactory(provincial_bureau=True, name="省人社厅（测试）")


@pytest.fixture
def department(db):
    return OrganisationFactory(department=True, name="省卫生健康委（测试）")


@pytest.fixture
def base(db, department):
    """A provincial CE base managed by `department`."""
    return OrganisationFactory(provincial_base=True, name="继续教育基地（测试）", parent=department)


@pytest.fixture
def base_admin(base):
    return user_with_role(Role.BASE_ADMIN, base)


@pytest.fixture
def department_staff(department):
    return user_with_role(Role.DEPARTMENT_STAFF, department)


@pytest.fixture
def base_platform(base):
    return PlatformFactory(owner=base)


@pytest.fixture
def approved_2022(base):
    return WorkPlanFactory(base=base, year=2022)


@pytest.fixture
def topic(db):
    return TopicFactory(year=2022, name="知识产权")
