"""The bulk intake's common path is set-based (issue 15): the same queries whatever the number of
rows, all rows or none, the same records on a repeat, and the row checks' cheap paths word
exactly what the shared validators word."""

import datetime
import gc
from decimal import Decimal, InvalidOperation

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Membership, Role, User
from accounts.validators import check_character, validate_id_number
from credits import services
from credits.models import CityYearRollup, EmployerYearRollup, HourRecord, StaffYearStatus, YearSummary
from credits.services.ledger import MAX_RECORD_HOURS, parse_hours
from credits.services.rows import parse_row
from tests.factories import valid_id_number
from tests.queries import expect_queries, query_name

from .factories import CourseFactory, post
from .test_rights import platform_row

D = Decimal


@pytest.fixture
def course(policy, base):
    return CourseFactory(provider=base, hours=D("6.0"))


def _staff(employer, n: int, offset: int = 0) -> list[User]:
    users = User.objects.bulk_create(
        [User(username=f"bulk-{offset + i}", id_number=valid_id_number(70_000 + offset + i)) for i in range(n)]
    )
    Membership.objects.bulk_create([Membership(user=u, organisation=employer, role=Role.PROFESSIONAL) for u in users])
    return users


def _rows(people, course, prefix: str) -> list[dict]:
    return [platform_row(p, course, f"{prefix}{i}", hours="1.5") for i, p in enumerate(people)]


# The API client's auth, then the intake: refs already used (the refs' key table: none here),
# the people in scope, the courses, the year policies, courses already credited (and under a
# review threshold the hours registered so far); the records' ids (the COPY that sends the
# records goes by the raw cursor, so it is not listed), the course frozen, the summaries (one upsert
# per 2,000 rows, superseding certificates in the same statement), then the report rollups of everyone
# touched, and the audit event.
PG_QUERIES = [
    "django_session",
    "accounts_user",
    "accounts_membership",
    "accounts_organisation",
    "accounts_organisation",
    "SAVEPOINT",
    "credits_hourrecord_ref",
    "accounts_user",
    "courses_course",
    "credits_yearpolicy",
    "credits_hourrecord",
    "generate_series",  # the new records' ids (the records follow by COPY)
    "courses_course",  # the credited course's figures (courses.services.freeze_courses)
    "courses_course",  # its first credit: frozen, figures returned (an already frozen course stops at the read)
    "credits_yearsummary",
    "credits_yearpolicy",
    "SAVEPOINT",
    "credits_staffyearstatus",
    "credits_staffyearstatus",
    "credits_staffyearstatus",
    "credits_hourrecord",
    "credits_staffyearstatus",
    "credits_employeryearrollup",
    "credits_employeryearrollup",
    "credits_employeryearrollup",
    "credits_cityyearrollup",
    "credits_cityyearrollup",
    "credits_cityyearrollup",
    "RELEASE SAVEPOINT",
    "RELEASE SAVEPOINT",
    "accounts_auditevent",
]


@pytest.mark.parametrize("n", [3, 1000])
def test_a_bulk_issues_the_same_queries_whatever_its_size(base_client, course, employer, n):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite (the embedded default) updates summaries row by row")
    rows = _rows(_staff(employer, n), course, "Q")
    with expect_queries(*PG_QUERIES):
        response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 201 and response.json()["created"] == n


@pytest.mark.parametrize("n", [3, 1000])
def test_under_a_review_threshold_a_bulk_also_reads_the_hours_so_far(base_client, course, employer, policy, n):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite (the embedded default) updates summaries row by row")
    policy.review_threshold = D("4.0")
    policy.save(update_fields=["review_threshold"])
    people = _staff(employer, n)
    post(base_client, reverse("api-hour-records-bulk"), _rows(people, course, "T1"))  # 1.5 h each
    other = CourseFactory(provider=course.provider, hours=D("3.0"))
    rows = [platform_row(p, other, f"T2-{i}") for i, p in enumerate(people)]
    at = PG_QUERIES.index("generate_series")
    with CaptureQueriesContext(connection) as captured:
        response = post(base_client, reverse("api-hour-records-bulk"), rows)
    names = [query_name(q["sql"]) for q in captured.captured_queries]
    # The unit's (unit, year) advisory lock, then the hours so far read under it, then the ids.
    assert names[: at + 3] == [*PG_QUERIES[:at], "SELECT", "credits_hourrecord", "generate_series"]
    assert response.status_code == 201
    statuses = HourRecord.objects.filter(external_ref__startswith="T2-").values_list("status", flat=True)
    assert set(statuses) == {HourRecord.Status.PENDING}  # 1.5 + 3.0 > 4.0: to review


def _state() -> tuple:
    return (
        list(HourRecord.objects.order_by("pk").values_list("pk", "hours")),
        list(YearSummary.objects.order_by("pk").values_list("pk", "public_hours", "professional_hours")),
        list(StaffYearStatus.objects.order_by("pk").values_list("pk", "compliant", "public_short")),
        list(EmployerYearRollup.objects.order_by("pk").values_list("pk", "staff", "compliant")),
        list(CityYearRollup.objects.order_by("pk").values_list("pk", "staff", "compliant")),
    )


@pytest.mark.parametrize("bad", [{"hours": "1.55"}, {"id_number": "370102197001011234"}, {"year": 1999}])
def test_one_bad_row_at_the_end_of_a_batch_changes_nothing(base_client, course, employer, bad):
    people = _staff(employer, 300)
    post(base_client, reverse("api-hour-records-bulk"), _rows(people[:10], course, "A"))
    before = _state()
    rows = _rows(people[10:], course, "B")
    rows[-1].update(bad)
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 400
    assert [r["index"] for r in response.json()["errors"]["rows"]] == [289]
    assert _state() == before
    assert gc.isenabled()


def test_a_repeated_batch_answers_the_same_records_and_stores_nothing(base_client, course, employer):
    rows = _rows(_staff(employer, 200), course, "R")
    first = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert first.status_code == 201 and first.json()["created"] == 200
    before = _state()
    again = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert again.status_code == 200
    assert again.json() == {"created": 0, "existing": 200, "records": first.json()["records"]}
    assert _state() == before and gc.isenabled()


def test_a_batch_mixing_stored_and_new_refs_answers_the_stored_ones_whatever_year_they_name(
    base_client, course, employer
):
    people = _staff(employer, 6)
    first = post(base_client, reverse("api-hour-records-bulk"), _rows(people[:3], course, "M")).json()["records"]
    rows = _rows(people, course, "M")
    rows[1]["year"] = 2023  # a stored ref is answered with its record, not checked again
    again = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert again.status_code == 201 and again.json()["created"] == 3 and again.json()["existing"] == 3
    assert again.json()["records"][:3] == first
    assert HourRecord.objects.count() == 6 and len(set(again.json()["records"])) == 6


def test_records_of_a_batch_are_whole_model_rows(base, base_admin, course, employer):
    """The records built without Model.__init__ carry every default and read back equal."""
    [person] = _staff(employer, 1)
    [(record, created)] = services.record_platform_hours(
        organisation=base, actor=base_admin, rows=[platform_row(person, course, "W1", title="  课\t程\\N \\ \n二\r ")]
    )
    assert created and record.pk and record.recorded_by == base
    stored = HourRecord.objects.get(pk=record.pk)
    for field in HourRecord._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(record, field.attname), field.name
    assert stored.status == HourRecord.Status.APPROVED and stored.decided_by_id == base_admin.pk
    assert stored.reason == "" and stored.quantity is None and not stored.proof and stored.title == "课\t程\\N \\ \n二"
    assert stored.created_at is not None


@pytest.fixture
def base_admin(base):
    from tests.factories import user_with_role

    return user_with_role(Role.BASE_ADMIN, base)


def _message(call) -> str | None:
    try:
        call()
    except ValidationError as exc:
        return exc.messages[0]
    return None


@given(
    st.one_of(
        st.integers(0, 10**6).map(lambda n: valid_id_number(n)),
        st.tuples(st.text("0123456789", min_size=17, max_size=17), st.sampled_from("0123456789Xx")).map("".join),
        st.builds(
            lambda y, m, d, s: (lambda f: f + check_character(f))(f"370102{y:04d}{m:02d}{d:02d}{s:03d}"),
            st.integers(1800, 2200),
            st.integers(0, 13),
            st.integers(0, 32),
            st.integers(0, 999),
        ),
        st.text(max_size=20),
    )
)
def test_a_rows_id_number_check_words_what_the_validator_words(id_number):
    row, problems = parse_row({"id_number": id_number})
    assert problems.get("id_number") == _message(lambda: validate_id_number(row.id_number))


@given(
    st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True, places=2).map(str),
        st.integers(-5, 2000),
        st.floats(allow_nan=True),
        st.text("0123456789. -", max_size=8),
    )
)
def test_a_rows_hours_are_parsed_as_parse_hours_parses_them(hours):
    row, problems = parse_row({"hours": hours})
    try:
        expected = _message(lambda: parse_hours(hours))
    except InvalidOperation:  # portal.hours cannot round 1e27 to tenths: the row says "too large"
        expected = f"学时不能超过 {MAX_RECORD_HOURS}，请核对。"
    assert problems.get("hours") == expected
    if expected is None:
        assert row.hours == parse_hours(hours) and str(row.hours) == str(parse_hours(hours))


def test_a_birth_date_in_the_future_or_before_1900_is_the_validators_business():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    for born in (tomorrow, datetime.date(1899, 12, 31)):
        number = valid_id_number(1, born=born)
        assert parse_row({"id_number": number})[1]["id_number"] == _message(lambda n=number: validate_id_number(n))
