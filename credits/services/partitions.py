"""The ledger's year partitions on PostgreSQL (credits/migrations/0005_ledger_partitions): one
partition per year, `credits_hourrecord_y<year>`, created ahead, plus the DEFAULT partition that
catches a year nobody created yet. Creating a year whose rows already sit in the DEFAULT partition
moves them into the new partition in the same transaction (same ids and years, so the key table
and the `reverses` key stay right). Elsewhere (SQLite) the ledger is one table: nothing to do."""

import re

from django.db import connection, transaction
from django.utils import timezone

TABLE = "credits_hourrecord"
DEFAULT = f"{TABLE}_default"
_BOUND = re.compile(r"FROM \('?(\d+)'?\) TO \('?(\d+)'?\)")
# Any fixed number: one advisory lock serialises the creations.
_LOCK = 150_300_2


def partitioned() -> bool:
    """Whether the ledger is a partitioned table here (PostgreSQL after migration 0005)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partition_name(year: int) -> str:
    return f"{TABLE}_y{int(year)}"


def year_partitions() -> dict[int, str]:
    """{year: partition} of the years that have their own partition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        found = {}
        for name, bound in cursor.fetchall():
            match = _BOUND.search(bound or "")
            if match:
                for year in range(int(match.group(1)), int(match.group(2))):
                    found[year] = name
    return found


def _has_partition(year: int) -> bool:
    """True when the year has its partition, or when the ledger is not partitioned (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind <> 'p' OR EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid "
            "WHERE i.inhparent = c.oid AND p.relname = %s) FROM pg_class c WHERE c.oid = to_regclass(%s)",
            [partition_name(year), TABLE],
        )
        row = cursor.fetchone()
    return row is None or row[0]


def default_years() -> list[int]:
    """Years whose rows sit in the DEFAULT partition (a year created late, or never)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT year FROM {DEFAULT} ORDER BY year")  # noqa: S608 (constant)
        return [y for (y,) in cursor.fetchall()]


def ensure_year_partition(year: int) -> bool:
    """Create the year's partition unless it exists (True if created); its rows in the DEFAULT
    partition move into it. Runs in the caller's transaction (a savepoint)."""
    if connection.vendor != "postgresql" or _has_partition(year):
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        if year in year_partitions():  # created meanwhile
            return False
        name = partition_name(year)
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE year = %s)", [year])  # noqa: S608
        if not cursor.fetchone()[0]:
            _create(cursor, year)
            return True
        # The DEFAULT partition holds rows of this year: take them out (the guard lets this one
        # delete through: only from the DEFAULT partition, only this year), create the partition,
        # put them back. The `reverses` key checks each statement meanwhile (a correction and its
        # original leave and come back together), and is deferred again afterwards.
        reverses_key = _reverses_key(cursor)
        cursor.execute(f'SET CONSTRAINTS "{reverses_key}" IMMEDIATE')
        cursor.execute(f"CREATE TEMPORARY TABLE credits_hourrecord_moving (LIKE {TABLE}) ON COMMIT DROP")
        cursor.execute("SELECT set_config('credits.moving_year', %s, true)", [str(year)])
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE year = %s RETURNING *) "  # noqa: S608
            "INSERT INTO credits_hourrecord_moving SELECT * FROM moved",
            [year],
        )
        cursor.execute("SELECT set_config('credits.moving_year', '', true)")
        _create(cursor, year)
        # Straight into the partition: the parent's statement trigger would add the refs again.
        cursor.execute(f"INSERT INTO {name} SELECT * FROM credits_hourrecord_moving")  # noqa: S608
        cursor.execute("DROP TABLE credits_hourrecord_moving")
        cursor.execute(f'SET CONSTRAINTS "{reverses_key}" DEFERRED')
    return True


def _reverses_key(cursor) -> str:
    """The name of the composite `reverses` foreign key (Django's name for the one-to-one)."""
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' "
        "AND confrelid = conrelid AND conparentid = 0",
        [TABLE],
    )
    return cursor.fetchone()[0]


def _create(cursor, year: int) -> None:
    name = partition_name(year)
    cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)", [year, year + 1])
    cursor.execute("SELECT credits_hourrecord_name_indexes(%s::regclass, %s)", [name, f"y{year}"])


def ensure_year_partitions(through_year: int, *, from_year: int | None = None) -> list[int]:
    """Every year from `from_year` (this year) through `through_year` has its partition, and so
    does every year found in the DEFAULT partition. Idempotent; returns the years created."""
    if not partitioned():
        return []
    first = timezone.localdate().year if from_year is None else from_year
    years = sorted(set(range(first, through_year + 1)) | set(default_years()))
    return [year for year in years if ensure_year_partition(year)]


def missing(through_year: int, *, from_year: int | None = None) -> tuple[list[int], list[int]]:
    """(years without a partition from this year through `through_year`, years in DEFAULT)."""
    if not partitioned():
        return [], []
    first = timezone.localdate().year if from_year is None else from_year
    have = year_partitions()
    return [y for y in range(first, through_year + 1) if y not in have], default_years()


def detach_year(year: int) -> str:
    """Take a closed year out of the ledger, to archive it (pg_dump -t, then DROP TABLE): the
    partition becomes a plain table of its own, keeping its rows, and its refs leave the key table.
    PostgreSQL cannot detach a partition that a foreign key of the same table still references (a
    correction and its original sit in the same year, but the check does not know that), so the
    `reverses` key is dropped and added again in the same transaction: adding it checks every
    correction left, a scan of the other partitions under an ACCESS EXCLUSIVE lock."""
    name = year_partitions().get(year)
    if name is None:
        raise ValueError(f"{year} has no partition of its own")
    with transaction.atomic(), connection.cursor() as cursor:
        reverses_key = _reverses_key(cursor)
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{reverses_key}"')
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cursor.execute(
            f'ALTER TABLE {TABLE} ADD CONSTRAINT "{reverses_key}" FOREIGN KEY (reverses_id, year) '
            f"REFERENCES {TABLE} (id, year) DEFERRABLE INITIALLY DEFERRED"
        )
        cursor.execute("DELETE FROM credits_hourrecord_ref WHERE year = %s", [year])
    return name


def on_policy_saved(sender, instance, **kwargs) -> None:
    """A YearPolicy saved: its year's ledger partition exists from then on (same transaction)."""
    ensure_year_partition(instance.year)
