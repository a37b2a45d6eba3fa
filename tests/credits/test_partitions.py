"""The ledger partitioned by year on PostgreSQL (issue 15, item 3; migration 0005,
credits.services.partitions). SQLite keeps one plain table: the command and the service say so."""

import datetime
import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HourRecord
from credits.services import partitions
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, YearPolicyFactory, approved_record, post, professional_of
from .test_rights import platform_row

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only; SQLite keeps one table"
)
on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="the no-op path of SQLite")
NEXT_YEAR = datetime.date.today().year + 1


def partition_of(record) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM credits_hourrecord WHERE id = %s", [record.pk])
        return cursor.fetchone()[0]


def key_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT recorded_by_id, external_ref, record_id, year FROM credits_hourrecord_ref ORDER BY 3")
        return cursor.fetchall()


def check_deferred_constraints():
    """Tests never commit: run the deferred foreign-key checks now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def record(person, *, year=2022, ref="", status=HourRecord.Status.APPROVED, recorded_by=None, **fields):
    """A ledger row written straight (the ORM), to look at what the database does."""
    return HourRecord.objects.create(
        professional=person,
        year=year,
        completed_on=datetime.date(min(year, 2100), 6, 1),
        category=Category.PUBLIC,
        hours=fields.pop("hours", D("4.0")),
        source=fields.pop("source", HourRecord.Source.OFFLINE),
        recorded_by=recorded_by or OrganisationFactory(national_base=True),
        external_ref=ref,
        status=status,
        **fields,
    )


@pytest.fixture
def person(employer):
    return professional_of(employer)


@pytest.fixture
def base_admin(base):
    return user_with_role(Role.BASE_ADMIN, base)


# --- the table ---------------------------------------------------------------------------------


@on_postgresql
def test_the_ledger_is_partitioned_and_each_years_rows_sit_in_their_partition(person, policy):
    YearPolicyFactory(year=2023)
    first, second = record(person, year=2022), record(person, year=2023)
    assert partitions.partitioned()
    assert {2022, 2023, NEXT_YEAR} <= set(partitions.year_partitions())
    assert (partition_of(first), partition_of(second)) == ("credits_hourrecord_y2022", "credits_hourrecord_y2023")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'credits_hourrecord'::regclass "
            "AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, year)"


@on_postgresql
def test_one_persons_year_reads_one_partition(person, policy):
    YearPolicyFactory(year=2023)
    record(person, year=2022)
    record(person, year=2023)
    plan = HourRecord.objects.filter(professional=person, year=2022).order_by("-completed_on").explain()
    scanned = {word.strip('",') for word in plan.split() if word.startswith("credits_hourrecord_")}
    assert {name for name in scanned if not name.startswith("credits_hourrecord_y2022")} == set(), plan


@on_postgresql
def test_new_ids_continue_the_sequence_and_sqlsequencereset_works(person, policy):
    first = record(person)
    second = record(person, year=2023)
    assert second.pk == first.pk + 1
    (statement,) = connection.ops.sequence_reset_sql(no_style(), [HourRecord])
    with connection.cursor() as cursor:
        cursor.execute(statement)
    assert record(person).pk == second.pk + 1


@on_postgresql
def test_records_survive_dumpdata_and_loaddata_with_their_refs(person, policy, tmp_path):
    pending = record(person, ref="DUMP-1", status=HourRecord.Status.PENDING)
    dump = tmp_path / "records.json"
    call_command("dumpdata", "credits.HourRecord", output=str(dump), verbosity=0)
    pk, unit = pending.pk, pending.recorded_by_id
    pending.delete()
    assert key_rows() == []
    call_command("loaddata", str(dump), verbosity=0)
    assert HourRecord.objects.get(pk=pk).external_ref == "DUMP-1"
    assert key_rows() == [(unit, "DUMP-1", pk, 2022)]
    assert json.loads(dump.read_text())[0]["pk"] == pk


def test_the_admin_lists_and_shows_records(admin_client, person, policy):
    shown = record(person, ref="ADMIN-1")
    assert admin_client.get(reverse("admin:credits_hourrecord_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:credits_hourrecord_change", args=[shown.pk]))
    assert page.status_code == 200 and "ADMIN-1" in page.content.decode()


# --- idempotence across partitions ---------------------------------------------------------------


@on_postgresql
def test_the_same_ref_in_another_year_is_refused_by_the_key_table(person, policy):
    YearPolicyFactory(year=2023)
    first = record(person, year=2022, ref="R-1")
    with pytest.raises(IntegrityError, match="hour_record_unique_external_ref"), transaction.atomic():
        record(person, year=2023, ref="R-1", recorded_by=first.recorded_by)
    assert key_rows() == [(first.recorded_by_id, "R-1", first.pk, 2022)]
    other_unit = record(person, year=2023, ref="R-1")  # another unit's ref space
    assert len(key_rows()) == 2 and other_unit.year == 2023


def test_the_same_ref_posted_for_two_years_answers_with_the_first_record(base, base_admin, person, policy):
    YearPolicyFactory(year=2023)
    course, later_course = CourseFactory(provider=base), CourseFactory(provider=base)
    [(first, created)] = services.record_platform_hours(
        organisation=base, actor=base_admin, rows=[platform_row(person, course, "TWO-YEARS")]
    )
    again = platform_row(person, later_course, "TWO-YEARS", year=2023, completed_on="2023-03-01")
    [(answer, created_again)] = services.record_platform_hours(organisation=base, actor=base_admin, rows=[again])
    assert created and not created_again and answer.pk == first.pk and answer.year == 2022
    assert HourRecord.objects.filter(external_ref="TWO-YEARS").count() == 1


def test_the_api_answers_a_ref_repeated_in_another_year_with_the_first_record(base_client, base, person, policy):
    YearPolicyFactory(year=2023)
    course, later_course = CourseFactory(provider=base), CourseFactory(provider=base)
    first = post(base_client, reverse("api-hour-records"), platform_row(person, course, "API-2Y"))
    later = platform_row(person, later_course, "API-2Y", year=2023, completed_on="2023-03-01")
    again = post(base_client, reverse("api-hour-records"), later)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["year"] == 2022


@on_postgresql
def test_deleting_a_pending_record_frees_its_ref_and_a_changed_ref_follows(person, policy):
    YearPolicyFactory(year=2023)
    pending = record(person, ref="FREE-1", status=HourRecord.Status.PENDING)
    unit = pending.recorded_by
    pending.external_ref = "FREE-2"
    pending.save()
    assert key_rows() == [(unit.pk, "FREE-2", pending.pk, 2022)]
    pending.delete()
    assert key_rows() == []
    again = record(person, year=2023, ref="FREE-2", recorded_by=unit)
    assert key_rows() == [(unit.pk, "FREE-2", again.pk, 2023)]


@on_postgresql
def test_copy_into_the_ledger_fills_the_key_table(person, policy):
    """The bench's loader COPYs into the parent table: the statement trigger writes the refs."""
    unit = OrganisationFactory(national_base=True)
    columns = "professional_id, year, completed_on, category, hours, title, source, recorded_by_id, external_ref, "
    columns += "status, reason, proof, created_at"
    lines = [
        f"{person.pk}\t{year}\t{year}-05-01\tpublic\t2.0\tt\tplatform\t{unit.pk}\tCOPY-{year}\tapproved\t\t\t2024-01-01"
        for year in (2022, 2023)
    ]
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY credits_hourrecord ({columns}) FROM STDIN", io.StringIO("\n".join(lines) + "\n")
        )
    assert [(r[1], r[3]) for r in key_rows()] == [("COPY-2022", 2022), ("COPY-2023", 2023)]


@on_postgresql
def test_truncating_the_ledger_empties_the_key_table(person, policy):
    record(person, ref="T-1")
    check_deferred_constraints()  # TRUNCATE refuses a table with pending trigger events
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE credits_hourrecord CASCADE")
    assert key_rows() == []


# --- the other constraints -------------------------------------------------------------------------


def test_once_per_course_is_still_refused_by_the_database(base, person, policy):
    course = CourseFactory(provider=base)
    record(person, course=course, source=HourRecord.Source.PLATFORM, ref="C-1")
    named = "hour_record_once_per_course" if connection.vendor == "postgresql" else "course_id"
    with pytest.raises(IntegrityError, match=named), transaction.atomic():
        record(person, course=course, source=HourRecord.Source.PLATFORM, ref="C-2")


def correction_of(original, **over):
    fields = {
        "hours": -original.hours,
        "source": HourRecord.Source.CORRECTION,
        "reverses": original,
        "year": original.year,
    }
    fields.update(over)
    return record(original.professional, **fields)


@on_postgresql
def test_a_correction_sits_in_its_originals_year_and_reverses_it_once(person, policy):
    YearPolicyFactory(year=2023)
    original = approved_record(person, hours="6")
    with pytest.raises(IntegrityError, match="reverses_id_1454830b_fk"), transaction.atomic():
        correction_of(original, year=2023)
        check_deferred_constraints()
    correction_of(original)
    check_deferred_constraints()
    with pytest.raises(IntegrityError, match="credits_hourrecord_reverses_id_key_y2022"), transaction.atomic():
        correction_of(original)


def test_the_city_reversal_books_the_correction_in_the_originals_year(person, policy):
    city_staff = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    original = approved_record(person, hours="12", category=Category.PROFESSIONAL)
    correction = services.reverse_record(record_id=original.pk, actor=city_staff, reason="抽查")
    assert correction.year == original.year and correction.reverses_id == original.pk
    if connection.vendor == "postgresql":
        check_deferred_constraints()
        assert partition_of(correction) == partition_of(original)


@on_postgresql
@pytest.mark.parametrize("year", [2022, 2023, 2099])
def test_the_guard_refuses_changing_or_deleting_decided_rows_in_every_partition(person, policy, year):
    YearPolicyFactory(year=2023)
    decided = record(person, year=year)
    for statement in (
        "UPDATE credits_hourrecord SET hours = 1 WHERE id = %s",
        "DELETE FROM credits_hourrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [decided.pk])
    expected = "credits_hourrecord_default" if year == 2099 else f"credits_hourrecord_y{year}"
    assert partition_of(decided) == expected


@on_postgresql
def test_a_records_year_does_not_change(person, policy):
    pending = record(person, status=HourRecord.Status.PENDING)
    with pytest.raises(IntegrityError, match="year of a record"), transaction.atomic():
        HourRecord.objects.filter(pk=pending.pk).update(year=2023)


# --- partitions created ahead ----------------------------------------------------------------------


@on_postgresql
def test_the_command_creates_partitions_ahead_and_is_idempotent(policy):
    out = io.StringIO()
    call_command("ledger_partitions", "--ahead", "3", stdout=out)
    assert str(NEXT_YEAR + 2) in out.getvalue()
    assert {NEXT_YEAR, NEXT_YEAR + 1, NEXT_YEAR + 2} <= set(partitions.year_partitions())
    out = io.StringIO()
    call_command("ledger_partitions", "--ahead", "3", stdout=out)
    assert "已存在" in out.getvalue()
    call_command("ledger_partitions", "--ahead", "3", "--check", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("ledger_partitions", "--ahead", "6", "--check", stdout=io.StringIO())


@on_postgresql
def test_creating_a_year_moves_its_rows_out_of_the_default_partition(person, policy):
    stray = record(person, year=2041, ref="STRAY-1")
    correction = correction_of(stray)
    pending = record(person, year=2041, ref="STRAY-2", status=HourRecord.Status.PENDING)
    other = record(person, year=2042)
    assert partition_of(stray) == "credits_hourrecord_default"
    with pytest.raises(CommandError, match="2041"):
        call_command("ledger_partitions", "--check", stdout=io.StringIO())
    assert partitions.ensure_year_partitions(2041, from_year=2041) == [2041, 2042]
    check_deferred_constraints()
    assert {partition_of(r) for r in (stray, correction, pending)} == {"credits_hourrecord_y2041"}
    assert partition_of(other) == "credits_hourrecord_y2042"
    assert [(r[1], r[2], r[3]) for r in key_rows()] == [("STRAY-1", stray.pk, 2041), ("STRAY-2", pending.pk, 2041)]
    assert partitions.default_years() == []
    # the guard and the key table work on the new partition as everywhere
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM credits_hourrecord WHERE id = %s", [stray.pk])
    HourRecord.objects.get(pk=pending.pk).delete()
    assert [r[1] for r in key_rows()] == ["STRAY-1"]
    with pytest.raises(IntegrityError), transaction.atomic():
        correction_of(stray)


@on_postgresql
def test_a_closed_year_is_detached_with_its_corrections_and_its_refs_are_released(person, policy):
    YearPolicyFactory(year=2023)
    old = record(person, year=2023, ref="OLD-1")
    correction_of(old)
    kept = record(person, year=2022, ref="KEPT-1")
    check_deferred_constraints()
    out = io.StringIO()
    call_command("ledger_partitions", "--detach", "2023", stdout=out)
    assert "credits_hourrecord_y2023" in out.getvalue()
    assert 2023 not in partitions.year_partitions()
    assert list(HourRecord.objects.values_list("pk", flat=True)) == [kept.pk]
    assert [r[1] for r in key_rows()] == ["KEPT-1"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM credits_hourrecord_y2023")  # the archive keeps its rows
        assert cursor.fetchone()[0] == 2
    correction_of(kept)
    check_deferred_constraints()  # the reverses key is back
    with pytest.raises(IntegrityError, match="reverses_id_1454830b_fk"), transaction.atomic():
        record(person, year=2023, hours=-old.hours, source=HourRecord.Source.CORRECTION, reverses_id=old.pk)
        check_deferred_constraints()  # the archived original is no longer in the ledger


@on_postgresql
def test_a_policy_for_a_new_year_creates_its_partition(policy):
    assert 2045 not in partitions.year_partitions()
    YearPolicyFactory(year=2045)
    assert partitions.year_partitions()[2045] == "credits_hourrecord_y2045"


@on_postgresql
def test_the_beat_task_creates_next_years_partition(policy):
    from django.conf import settings

    from credits.tasks import ensure_ledger_partitions

    assert any(e["task"] == "credits.tasks.ensure_ledger_partitions" for e in settings.CELERY_BEAT_SCHEDULE.values())
    ensure_ledger_partitions()
    assert NEXT_YEAR in partitions.year_partitions()


@on_sqlite
def test_without_partitions_the_command_and_the_service_do_nothing(policy):
    out = io.StringIO()
    call_command("ledger_partitions", "--ahead", "2", stdout=out)
    assert "未分区" in out.getvalue()
    call_command("ledger_partitions", "--check", stdout=io.StringIO())
    assert not partitions.partitioned()
    assert partitions.ensure_year_partitions(2040) == []
    assert partitions.ensure_year_partition(2040) is False
