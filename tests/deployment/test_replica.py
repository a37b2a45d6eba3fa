"""Reports, exports and catalogue reads come from a real streaming replica; whoever just wrote
reads from the primary. Needs DATABASE_REPLICA_URL (`.ci/run` starts one with
scripts/start-replica.sh and runs this file with it)."""

import time

import environ
import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Course
from portal.db_router import PIN_COOKIE
from tests.courses.factories import CourseFactory

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        "replica" not in settings.DATABASES or connections["default"].vendor != "postgresql",
        reason="DATABASE_REPLICA_URL is not set: no streaming replica here (.ci/run starts one)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def standby():
    """The replica alias, pointed at the standby's copy of the test database. (During tests the
    alias mirrors the primary, because no test database can be created on a read-only standby;
    the primary's test database reaches the standby through replication.)"""
    conn = connections["replica"]
    mirrored = conn.settings_dict
    real = environ.Env.db_url_config(environ.Env().str("DATABASE_REPLICA_URL"))
    conn.close()
    conn.settings_dict = {
        **mirrored,
        "HOST": real["HOST"],
        "PORT": real["PORT"],
        "NAME": connections["default"].settings_dict["NAME"],
    }
    yield conn
    conn.close()
    conn.settings_dict = mirrored


def _replicated(standby, course: Course) -> bool:
    """Wait (up to 10 s) until the standby has replayed the primary's write."""
    for _ in range(100):
        if Course.objects.using("replica").filter(pk=course.pk).exists():
            return True
        time.sleep(0.1)
    return False


def test_the_replica_is_a_standby_of_the_primary(standby):
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        in_recovery, port = cursor.fetchone()
    assert in_recovery is True
    assert str(port) == str(standby.settings_dict["PORT"])
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is False


def test_a_write_on_the_primary_is_read_through_the_router_from_the_replica(standby, client):
    year = timezone.localdate().year
    course = CourseFactory(title="复制库可见的课程", year_from=year, year_to=year)
    assert _replicated(standby, course)

    with CaptureQueriesContext(standby) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get("/courses/")

    assert response.status_code == 200
    assert "复制库可见的课程" in response.content.decode()
    assert any("courses_course" in q["sql"] for q in on_replica.captured_queries)
    assert not any("courses_course" in q["sql"] for q in on_primary.captured_queries)


def test_whoever_just_wrote_reads_the_primary(standby, client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/courses/"})
    assert response.cookies[PIN_COOKIE]["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS

    with CaptureQueriesContext(standby) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get("/courses/")

    assert response.status_code == 200
    assert on_replica.captured_queries == []
    assert any("courses_course" in q["sql"] for q in on_primary.captured_queries)


def test_pages_that_are_not_reports_read_the_primary(standby, client):
    with CaptureQueriesContext(standby) as on_replica:
        response = client.get("/")
    assert response.status_code == 200
    assert on_replica.captured_queries == []
