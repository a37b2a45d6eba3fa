import pytest
from django.core.cache import cache

from accounts.models import Role
from tests.factories import OrganisationFactory, user_with_role

from .factories import YearPolicyFactory


@pytest.fixture
def policy(db):
    """The 2022 policy (the data migration seeds it; the factory makes sure in flushed databases)."""
    return YearPolicyFactory(year=2022)


@pytest.fixture(autouse=True)
def _fresh_intake_throttle():
    """The intake throttle counts per unit in the cache; each test starts with no history."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def base(db):
    """A national CE base (it runs a learning platform)."""
    return OrganisationFactory(national_base=True)


@pytest.fixture
def base_client(client, base):
    client.force_login(user_with_role(Role.BASE_ADMIN, base))
    return client
