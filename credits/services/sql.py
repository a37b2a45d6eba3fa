"""Set-based updates the ORM has no fast form for: many rows, each with its own values, in one
statement (`UPDATE ... FROM (VALUES ...)` on PostgreSQL). Django's bulk_update builds a CASE per
field and row, which costs seconds for a 10,000-row batch."""

from django.db import connection
from django.db.models import F, FileField
from django.utils import timezone
from psycopg2.extras import execute_values


def update_rows(model, *, keys: tuple[str, ...], fields: tuple[str, ...], rows: list[tuple], increment=False) -> None:
    """For each row (key values..., field values...), set the fields (or add to them) of the model
    row with those keys. The caller holds the rows' locks (select_for_update, in a fixed order)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for row in rows:
            values = dict(zip(fields, row[len(keys) :], strict=True))
            if increment:
                values = {f: F(f) + v for f, v in values.items()}
            model.objects.filter(**dict(zip(keys, row[: len(keys)], strict=True))).update(**values)
        return
    meta, quote = model._meta, connection.ops.quote_name
    names = [*keys, *fields]
    columns = [meta.get_field(n).column for n in names]
    casts = [meta.get_field(n).db_type(connection) for n in names]
    placeholder = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    if increment:
        assignments = ", ".join(f"{quote(c)} = t.{quote(c)} + v.{quote(c)}" for c in columns[len(keys) :])
    else:
        assignments = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in columns[len(keys) :])
    match = " AND ".join(f"t.{quote(c)} = v.{quote(c)}" for c in columns[: len(keys)])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            batch = rows[start : start + 2000]
            values = ", ".join([placeholder] * len(batch))
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 (names from the model)
                f"FROM (VALUES {values}) AS v({', '.join(quote(c) for c in columns)}) WHERE {match}",
                [value for row in batch for value in row],
            )


def insert_records(model, objs: list) -> None:
    """Insert new model instances and set their primary keys, like bulk_create, in one statement
    per 2,000 rows on PostgreSQL (execute_values: values are read straight from the instances,
    without Django's per-value preparation, which costs seconds for 10,000 rows). Only for models
    whose field values psycopg2 adapts as they are (numbers, text, dates, decimals, file names).
    Elsewhere, bulk_create."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return
    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, now)

    def value(obj, f):
        v = getattr(obj, f.attname)
        if isinstance(f, FileField):
            return v.name or "" if v is not None else ""
        return v

    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES %s RETURNING {quote(meta.pk.column)}"
    )
    rows = [tuple(value(obj, f) for f in fields) for obj in objs]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        ids = execute_values(cursor.cursor, sql, rows, page_size=2000, fetch=True)
    for obj, (pk,) in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
