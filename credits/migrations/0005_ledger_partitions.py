"""PostgreSQL: the hour ledger becomes a table partitioned by `year` (one partition per year, a
DEFAULT partition as the safety net). SQLite keeps its one plain table; Django's model state does
not change (the constraints Meta declares exist, implemented as below on PostgreSQL).

What PostgreSQL needs differently (every unique index of a partitioned table includes `year`):
  - the primary key is (id, year); ids still come from one sequence, `credits_hourrecord_id_seq`,
    continuing where the identity column stopped;
  - `reverses` (the self one-to-one) is a composite foreign key (reverses_id, year) -> (id, year)
    under Django's constraint name, and its uniqueness is (reverses_id, year): a correction sits in
    its original's year (credits.services.decisions) and the key makes that a rule;
  - idempotence (`hour_record_unique_external_ref`, unique (recorded_by, external_ref) over all
    years) is the unique constraint of a small unpartitioned key table, credits_hourrecord_ref
    (recorded_by_id, external_ref) -> (record_id, year), written in the same statement: a
    statement trigger inserts the new rows' refs (set-based, also for COPY), the row guard frees
    the ref of a deleted pending record and follows a changed ref; a TRUNCATE of the ledger
    empties it. Each partition also has a unique (recorded_by_id, external_ref, year) index
    (`hour_record_ref_year`) for the lookups by ref and for ON CONFLICT DO NOTHING;
  - the append-only guard of 0002 is re-created on the parent (cloned to every partition); it also
    refuses changing a record's year, and lets `credits.services.partitions` move rows out of the
    DEFAULT partition (only there, only for the year being moved).

The migration rewrites the whole table under an ACCESS EXCLUSIVE lock (docs/credits.md has the
cost and the way to do it on a large production table)."""

import datetime

from django.db import migrations

TABLE = "credits_hourrecord"
OLD = "credits_hourrecord_unpartitioned"
REF_INDEX = "hour_record_unique_external_ref"

GUARD_SQL = """
CREATE OR REPLACE FUNCTION credits_hour_record_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'credits_hourrecord_default'
            AND current_setting('credits.moving_year', true) = OLD.year::text THEN
        -- credits.services.partitions moves this year's rows to their new partition: same ids,
        -- same years, so the refs stay.
        RETURN OLD;
    END IF;
    IF OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'credits_hourrecord %% is decided and append-only', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.external_ref <> '' THEN
            DELETE FROM credits_hourrecord_ref
            WHERE recorded_by_id = OLD.recorded_by_id AND external_ref = OLD.external_ref AND record_id = OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.year <> OLD.year THEN
        RAISE EXCEPTION 'credits_hourrecord %%: the year of a record does not change (partitioned by year)', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.external_ref <> OLD.external_ref OR NEW.recorded_by_id <> OLD.recorded_by_id THEN
        IF OLD.external_ref <> '' THEN
            DELETE FROM credits_hourrecord_ref
            WHERE recorded_by_id = OLD.recorded_by_id AND external_ref = OLD.external_ref AND record_id = OLD.id;
        END IF;
        IF NEW.external_ref <> '' THEN
            INSERT INTO credits_hourrecord_ref (recorded_by_id, external_ref, record_id, year)
            VALUES (NEW.recorded_by_id, NEW.external_ref, NEW.id, NEW.year);
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credits_hour_record_guard BEFORE UPDATE OR DELETE ON credits_hourrecord
    FOR EACH ROW EXECUTE FUNCTION credits_hour_record_guard();

CREATE FUNCTION credits_hour_record_refs() RETURNS trigger AS $$
BEGIN
    INSERT INTO credits_hourrecord_ref (recorded_by_id, external_ref, record_id, year)
    SELECT recorded_by_id, external_ref, id, year FROM new_records WHERE external_ref <> ''
    ORDER BY recorded_by_id, external_ref;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credits_hour_record_refs AFTER INSERT ON credits_hourrecord
    REFERENCING NEW TABLE AS new_records FOR EACH STATEMENT EXECUTE FUNCTION credits_hour_record_refs();

-- A partition's indexes carry the parent index's name, so that an error names the constraint
-- (hour_record_once_per_course_y2024, not credits_hourrecord_y2024_professional_id_course_id_year_idx).
CREATE FUNCTION credits_hourrecord_name_indexes(part regclass, suffix text) RETURNS void AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT child.relname AS current, left(parent.relname, 62 - length(suffix)) || '_' || suffix AS wanted
        FROM pg_inherits i
        JOIN pg_class child ON child.oid = i.inhrelid
        JOIN pg_class parent ON parent.oid = i.inhparent
        JOIN pg_index x ON x.indexrelid = child.oid
        WHERE x.indrelid = part AND parent.relkind = 'I'
    LOOP
        IF r.current <> r.wanted THEN
            EXECUTE format('ALTER INDEX %%I RENAME TO %%I', r.current, r.wanted);
        END IF;
    END LOOP;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION credits_hour_record_refs_truncate() RETURNS trigger AS $$
BEGIN
    TRUNCATE credits_hourrecord_ref;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credits_hour_record_refs_truncate AFTER TRUNCATE ON credits_hourrecord
    FOR EACH STATEMENT EXECUTE FUNCTION credits_hour_record_refs_truncate();
"""

# 0002's guard, for the way back.
PLAIN_GUARD_SQL = """
CREATE OR REPLACE FUNCTION credits_hour_record_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'credits_hourrecord %% is decided and append-only', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS credits_hour_record_guard ON credits_hourrecord;
CREATE TRIGGER credits_hour_record_guard BEFORE UPDATE OR DELETE ON credits_hourrecord
    FOR EACH ROW EXECUTE FUNCTION credits_hour_record_guard();
"""


def _fetch(schema_editor, sql, params=()):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _sequence_state(schema_editor, table):
    (sequence,) = _fetch(schema_editor, "SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
    return _fetch(schema_editor, f"SELECT last_value, is_called FROM {sequence}")[0]  # noqa: S608


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    outside = _fetch(
        schema_editor,
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND conrelid <> confrelid",
        [TABLE],
    )
    if outside:
        raise RuntimeError(f"foreign keys point at {TABLE}(id) alone, which a partitioned table cannot keep: {outside}")
    # Every constraint and index Django created, by name, to re-create on the partitioned table.
    constraints = _fetch(
        schema_editor,
        "SELECT conname, contype, confrelid = conrelid, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass ORDER BY contype <> 'p', contype <> 'u', conname",
        [TABLE],
    )
    indexes = _fetch(
        schema_editor,
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [TABLE],
    )
    last_value, is_called = _sequence_state(schema_editor, TABLE)
    years = {y for (y,) in _fetch(schema_editor, f"SELECT DISTINCT year FROM {TABLE}")}  # noqa: S608
    years |= {y for (y,) in _fetch(schema_editor, "SELECT year FROM credits_yearpolicy")}
    today = datetime.date.today()
    years |= {today.year, today.year + 1}

    run(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    run(f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY RANGE (year)")
    for year in sorted(years):
        run(f"CREATE TABLE {TABLE}_y{year} PARTITION OF {TABLE} FOR VALUES FROM ({year}) TO ({year + 1})")
    run(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    run(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608 (same columns, same order: LIKE)
    run(f"DROP TABLE {OLD}")  # its guard trigger and identity sequence go with it
    run(f"CREATE SEQUENCE {TABLE}_id_seq AS bigint OWNED BY {TABLE}.id")
    run("SELECT setval(%s, %s, %s)", [f"{TABLE}_id_seq", last_value, is_called])
    run(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq'::regclass)")

    for name, kind, self_reference, definition in constraints:
        if kind == "p":
            run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} PRIMARY KEY (id, year)")
        elif kind == "f" and self_reference:  # reverses: a correction sits in its original's year
            run(
                f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} FOREIGN KEY (reverses_id, year) "
                f"REFERENCES {TABLE} (id, year) DEFERRABLE INITIALLY DEFERRED"
            )
        elif kind == "u":  # reverses' one-to-one: unique within the year, i.e. unique
            if definition != "UNIQUE (reverses_id)":
                raise RuntimeError(f"unexpected unique constraint {name}: {definition}")
            run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} UNIQUE (reverses_id, year)")
        else:
            run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    for name, definition in indexes:
        if name != REF_INDEX:
            run(definition)

    run(
        f"CREATE UNIQUE INDEX hour_record_ref_year ON {TABLE} (recorded_by_id, external_ref, year) "
        "WHERE external_ref <> ''"
    )
    run(
        "CREATE TABLE credits_hourrecord_ref ("
        "recorded_by_id bigint NOT NULL, external_ref varchar(100) NOT NULL, "
        "record_id bigint NOT NULL, year smallint NOT NULL, "
        f"CONSTRAINT {REF_INDEX} UNIQUE (recorded_by_id, external_ref))"
    )
    run(
        "INSERT INTO credits_hourrecord_ref (recorded_by_id, external_ref, record_id, year) "
        f"SELECT recorded_by_id, external_ref, id, year FROM {TABLE} WHERE external_ref <> ''"  # noqa: S608
    )
    run(GUARD_SQL)
    for year in sorted(years):
        run("SELECT credits_hourrecord_name_indexes(%s::regclass, %s)", [f"{TABLE}_y{year}", f"y{year}"])
    run("SELECT credits_hourrecord_name_indexes(%s::regclass, 'default')", [f"{TABLE}_default"])
    # New tables have no statistics until autovacuum gets to them; a person's year would be
    # planned as a scan of every partition meanwhile.
    run(f"ANALYZE {TABLE}")
    run("ANALYZE credits_hourrecord_ref")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    last_value, is_called = _sequence_state(schema_editor, TABLE)
    run(f"CREATE TABLE {OLD} AS TABLE {TABLE}")
    run(f"DROP TABLE {TABLE}")  # partitions, sequence and triggers go with it
    run("DROP TABLE credits_hourrecord_ref")
    run(
        "DROP FUNCTION credits_hour_record_refs(), credits_hour_record_refs_truncate(), "
        "credits_hourrecord_name_indexes(regclass, text)"
    )
    model = apps.get_model("credits", "HourRecord")
    schema_editor.create_model(model)  # Django's table; its indexes and foreign keys are deferred SQL
    columns = ", ".join(schema_editor.quote_name(f.column) for f in model._meta.concrete_fields)
    run(f"INSERT INTO {TABLE} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {OLD}")  # noqa: S608
    run(f"DROP TABLE {OLD}")
    run("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [TABLE, last_value, is_called])
    run(PLAIN_GUARD_SQL)


class Migration(migrations.Migration):
    dependencies = [("credits", "0004_rollups")]

    operations = [migrations.RunPython(partition, unpartition)]
