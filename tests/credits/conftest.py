import pytest

from .factories import YearPolicyFactory


@pytest.fixture
def policy(db):
    """The 2022 policy (the data migration seeds it; the factory makes sure in flushed databases)."""
    return YearPolicyFactory(year=2022)
