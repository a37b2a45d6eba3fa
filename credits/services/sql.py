"""Set-based updates the ORM has no fast form for: many rows, each with its own values, in one
statement (`UPDATE ... FROM (VALUES ...)` on PostgreSQL). Django's bulk_update builds a CASE per
field and row, which costs seconds for a 10,000-row batch."""

from django.db import connection


def update_rows(model, *, keys: tuple[str, ...], fields: tuple[str, ...], rows: list[tuple], increment=False) -> None:
    """For each row (key values..., field values...), set the fields (or add to them) of the model
    row with those keys. The caller holds the rows' locks (select_for_update, in a fixed order)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        from django.db.models import F

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
