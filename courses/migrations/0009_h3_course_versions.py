"""Frozen courses (docs/courses.md, "Frozen courses and new versions"): `frozen_at`, set with the first
approved hour record naming the course, and `previous_version` for the new course that replaces one.

On PostgreSQL a trigger refuses any UPDATE that changes the hours, category, topic or sector of a
frozen course, or unfreezes it, whatever the path (`.update()`, the admin, raw SQL). SQLite has no
such trigger (Django rebuilds SQLite tables on many schema changes, which would drop it silently):
there the model's save() and the services refuse, and `.update()` is not guarded.
"""

import django.db.models.deletion
from django.db import migrations, models

GUARD_SQL = """
CREATE OR REPLACE FUNCTION courses_course_frozen_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.frozen_at IS NOT NULL AND (
        NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
        OR NEW.hours IS DISTINCT FROM OLD.hours
        OR NEW.category IS DISTINCT FROM OLD.category
        OR NEW.topic_id IS DISTINCT FROM OLD.topic_id
        OR NEW.sector_id IS DISTINCT FROM OLD.sector_id
    ) THEN
        RAISE EXCEPTION 'courses_course %% has credited hours: its hours, category, topic and sector are frozen', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'course_frozen_when_credited';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS courses_course_frozen_guard ON courses_course;
CREATE TRIGGER courses_course_frozen_guard
    BEFORE UPDATE OF frozen_at, hours, category, topic_id, sector_id ON courses_course
    FOR EACH ROW EXECUTE FUNCTION courses_course_frozen_guard();
"""

UNGUARD_SQL = """
DROP TRIGGER IF EXISTS courses_course_frozen_guard ON courses_course;
DROP FUNCTION IF EXISTS courses_course_frozen_guard();
"""


def add_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD_SQL)


def remove_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="frozen_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="学时计入（锁定）时间"),
        ),
        migrations.AddField(
            model_name="course",
            name="previous_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="next_versions",
                to="courses.course",
                verbose_name="上一版本",
            ),
        ),
        migrations.RunPython(add_guard, remove_guard, elidable=False),
    ]
