"""Serialised threshold checks: a transaction-scoped advisory lock per (unit, year) or
(person, year), so two batches or two self-reports sent at the same moment cannot both read the
running total before either has added to it."""

from collections.abc import Iterable

from django.db import connection


def lock_years(*, scope: str, keys: Iterable[tuple[int, int]]) -> None:
    """Take `pg_advisory_xact_lock` on each (owner id, year) of `scope` ("unit" or "person"),
    in sorted order (two transactions wanting the same keys queue instead of deadlocking), held
    until the caller's transaction ends. SQLite has one writer at a time already: nothing to take."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for owner, year in sorted(set(keys)):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"credits:{scope}-year:{owner}:{year}"]
            )
