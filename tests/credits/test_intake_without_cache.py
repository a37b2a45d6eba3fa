"""Rate limits fail closed for intake (issue 22): with Redis away the intake throttle cannot
count, so a platform's posts are refused with a Chinese 503 and nothing is written; reads go on."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from credits.models import HourRecord
from tests.deployment.faults import cache_at, free_port

from .factories import CourseFactory, post, professional_of


@pytest.fixture
def redis_away():
    """The cache is a Redis at a port where nothing listens (Redis stopped)."""
    with cache_at(f"redis://127.0.0.1:{free_port()}/0"):
        yield


def test_a_platform_cannot_post_hours_while_the_throttle_cannot_count(base_client, policy, base, employer,
                                                                       redis_away, caplog):  # fmt: skip
    course = CourseFactory(provider=base, hours=D("6.0"))
    person = professional_of(employer)
    row = {"id_number": person.id_number, "year": 2022, "category": "public", "hours": "6.0", "course": course.pk,
           "title": "课程", "source": "platform", "completed_on": "2022-05-10", "external_ref": "R1"}  # fmt: skip

    response = post(base_client, reverse("api-hour-records-bulk"), [row])

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable" and "请稍后重试" in response.json()["detail"]
    assert not HourRecord.objects.exists()
    assert any(r.name == "portal.degraded" and "intake refused" in r.getMessage() for r in caplog.records)
    # Reads have no such throttle: the platform still lists what it sent.
    assert base_client.get(reverse("api-hour-records")).status_code == 200
