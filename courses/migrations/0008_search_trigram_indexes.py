"""Trigram (pg_trgm) indexes for the catalogue's text search (selectors.search_courses), PostgreSQL only.

Django's `icontains` is `UPPER(column) LIKE UPPER('%text%')`: the indexes are on the same expressions.
pg_trgm splits Chinese text into trigrams too (a UTF-8 database), so a search of three characters or
more is an index lookup; shorter ones read the index whole, no slower than before. pg_trgm is a trusted
extension (PostgreSQL 13+): the database owner may create it. SQLite keeps its plain scans.
"""

from django.db import migrations

INDEXES = {
    "course_title_trgm": ("courses_course", "title"),
    "course_description_trgm": ("courses_course", "description"),
    "teacher_name_trgm": ("courses_teacher", "name"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_catalogue_and_gap_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
