"""Exact query counts with each query named (STYLE.md rule 4, healthchecks' "Expect 3 queries").

    with expect_queries("django_session", "accounts_user", "accounts_membership", "selection_campaign"):
        client.get(url)

Each name is the first table a query reads or writes (its FROM / INTO / UPDATE table), or
"SAVEPOINT" / "RELEASE SAVEPOINT" / "ROLLBACK TO SAVEPOINT" for those statements. The assertion
fails on a different count and on a different table in any position, and prints every query.
"""

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)
_SAVEPOINT = re.compile(r"^\s*(RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|SAVEPOINT)\b", re.IGNORECASE)
# pghistory prepends the request's history context to each writing statement on PostgreSQL
# (docs/history.md); the statement's name is the one after it.
_HISTORY_CONTEXT = re.compile(r"^\s*SELECT set_config\('pghistory\.context_id'.*?, true\);\s*", re.DOTALL)


def query_name(sql: str) -> str:
    sql = _HISTORY_CONTEXT.sub("", sql, count=1)
    savepoint = _SAVEPOINT.match(sql)
    if savepoint:
        return savepoint.group(1).upper()
    match = _TABLE.search(sql)
    return match.group(1) if match else sql.split(None, 1)[0].upper()


@contextmanager
def expect_queries(*tables: str):
    with CaptureQueriesContext(connection) as captured:
        yield captured
    names = [query_name(q["sql"]) for q in captured.captured_queries]
    if names != list(tables):
        queries = zip(names, captured.captured_queries, strict=True)
        listing = "\n".join(f"  {i + 1}. {name}: {q['sql'][:300]}" for i, (name, q) in enumerate(queries))
        raise AssertionError(f"expected {len(tables)} queries {list(tables)},\ngot {len(names)}:\n{listing}")
