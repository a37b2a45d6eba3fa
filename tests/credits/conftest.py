import pytest
from django.core.cache import cache

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
