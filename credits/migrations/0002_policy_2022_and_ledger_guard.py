"""The 2022 policy from the notice, and a PostgreSQL trigger that keeps decided ledger rows immutable."""

from decimal import Decimal

from django.db import migrations

# 每年累计应不少于90学时，其中公需课不少于30学时，专业课不少于60学时；
# 优质在线公需课按照课程课时的2倍计算授课教师年度继续教育学时。
POLICY_2022 = {
    "min_total": Decimal("90.0"),
    "min_public": Decimal("30.0"),
    "min_professional": Decimal("60.0"),
    "teaching_credit_multiplier": Decimal("2.00"),
    "teaching_credit_category": "public",
    "notes": "山东省人力资源和社会保障厅关于做好2022年度专业技术人员继续教育有关工作的通知（2022年3月28日）",
}


def seed_2022(apps, schema_editor):
    YearPolicy = apps.get_model("credits", "YearPolicy")
    YearPolicy.objects.get_or_create(year=2022, defaults=POLICY_2022)


GUARD_SQL = """
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

UNGUARD_SQL = """
DROP TRIGGER IF EXISTS credits_hour_record_guard ON credits_hourrecord;
DROP FUNCTION IF EXISTS credits_hour_record_guard();
"""


def add_guard(apps, schema_editor):
    # Only PostgreSQL: SQLite tests flush tables with DELETE, which the guard would refuse.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD_SQL)


def remove_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD_SQL)


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]

    operations = [
        migrations.RunPython(seed_2022, migrations.RunPython.noop),
        migrations.RunPython(add_guard, remove_guard),
    ]
