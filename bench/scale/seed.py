"""Seeding for `make bench`: people and hour records by COPY (bench.bench_ledger's loaders), then
the handful of ordinary rows each measured request needs (accounts, courses, a vote campaign).

A database seeded at one scale is reused by the next run at that scale; another scale starts over
(`--reseed` forces it)."""

import datetime
import json
import time
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import City, Membership, Organisation, Role, User
from bench.bench_ledger import USER_COLUMNS, _copy, _id_number
from courses.models import Category, Course, LearningPlatform, Mode, Topic
from credits.models import YearPolicy

PREFIX = "bench"
YEARS = (2024, 2025, 2026)
YEAR = YEARS[-1]
EMPLOYERS_PER_CITY = 60
MARK = "BENCH-SCALE"
COLD_PEOPLE = 6_000  # the "cold" rows read these people's pages in turn (half for /hours/, half for the API)
COLD_EMPLOYERS = 50


@dataclass(frozen=True)
class Scale:
    name: str
    professionals: int
    records: int
    roster_staff: int  # the employer whose roster page and compliance API are read
    export_staff: int  # the employer whose whole roster is exported
    courses: int  # published catalogue courses this year
    seconds: int  # wrk duration per read


SCALES = {
    "small": Scale("small", 20_000, 400_000, 2_000, 10_000, 2_000, 5),
    "medium": Scale("medium", 100_000, 2_000_000, 2_000, 50_000, 5_000, 10),
    "full": Scale("full", 1_000_000, 20_000_000, 2_000, 100_000, 20_000, 15),
}


def seeded_scale() -> str | None:
    """The scale this database was seeded at (a one-row marker table of the bench's own)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_scale_marker')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT name FROM bench_scale_marker")
        row = cursor.fetchone()
    return row[0] if row else None


def _mark(scale: Scale, steps: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_marker (name text)")
        cursor.execute("ALTER TABLE bench_scale_marker ADD COLUMN IF NOT EXISTS steps text")
        cursor.execute("DELETE FROM bench_scale_marker")
        cursor.execute("INSERT INTO bench_scale_marker (name, steps) VALUES (%s, %s)", [scale.name, json.dumps(steps)])


def seeding_times() -> dict:
    """Seconds each seeding step took when this database was seeded (empty if not recorded)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE bench_scale_marker ADD COLUMN IF NOT EXISTS steps text")
        cursor.execute("SELECT steps FROM bench_scale_marker")
        row = cursor.fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def _policies() -> None:
    for year in YEARS:
        YearPolicy.objects.get_or_create(
            year=year,
            defaults={
                "min_total": Decimal("90"),
                "min_public": Decimal("30"),
                "min_professional": Decimal("60"),
                "teaching_credit_multiplier": Decimal("2"),
            },
        )


def _employers() -> tuple[Organisation, Organisation, list[Organisation]]:
    rows = [
        Organisation(name=f"{MARK} {city.label}单位{i:03d}", kind=Organisation.Kind.EMPLOYER, city=city)
        for city in City
        for i in range(EMPLOYERS_PER_CITY)
    ]
    Organisation.objects.bulk_create(rows, ignore_conflicts=True)
    employers = list(Organisation.objects.filter(name__startswith=f"{MARK} ", kind="employer").order_by("id"))
    return employers[0], employers[1], employers[2:]


def _people(scale: Scale, roster: Organisation, export: Organisation, others: list[Organisation]) -> list[int]:
    now = timezone.now().isoformat()
    password = make_password("bench-password-2022")
    with transaction.atomic():
        _copy(
            "accounts_user",
            [*USER_COLUMNS],
            (
                [password, "f", f"{PREFIX}{n:07d}", "", "", "", "f", "t", now, f"测试{n}", _id_number(n), "", "t"]
                for n in range(scale.professionals)
            ),
        )
        ids = list(User.objects.filter(username__regex=rf"^{PREFIX}[0-9]").order_by("id").values_list("id", flat=True))

        def employer(i: int) -> int:
            if i < scale.roster_staff:
                return roster.pk
            if i < scale.roster_staff + scale.export_staff:
                return export.pk
            return others[i % len(others)].pk

        _copy(
            "accounts_membership",
            ["user_id", "organisation_id", "role", "department", "job_title", "is_active", "created_at"],
            ([uid, employer(i), Role.PROFESSIONAL, f"科室{i % 12}", "", "t", now] for i, uid in enumerate(ids)),
        )
    return ids


# The ledger's lines, written by PostgreSQL itself (no row crosses from Python): person n % people,
# the years in turn, dates, categories and hours from n, one ref each.
RECORDS_SQL = """
INSERT INTO credits_hourrecord (professional_id, year, completed_on, category, hours, title, source,
    recorded_by_id, external_ref, status, decided_at, reason, proof, created_at)
SELECT p.user_id, y.year, make_date(y.year, (n %% 11)::int + 1, (n %% 28)::int + 1),
    CASE WHEN n %% 20 < 7 THEN 'public' ELSE 'professional' END,
    ((n * 7919) %% 116)::numeric / 10 + 0.5, '平台课程学习', 'platform', %(recorded_by)s,
    %(mark)s || '-' || n, 'approved', %(now)s, '', '', %(now)s
FROM generate_series(%(start)s::bigint, %(stop)s::bigint - 1) AS n
JOIN bench_people p ON p.idx = n %% %(people)s
CROSS JOIN LATERAL (SELECT (%(years)s::int[])[((n / %(people)s) %% %(n_years)s)::int + 1] AS year) y
"""


def _ledger_indexes(cursor) -> list[tuple[str, str]]:
    """The ledger's indexes that back no constraint (name, definition): dropped for the load and
    built again after it, as pg_restore does (a build sorts once; 20,000,000 inserts into each
    B-tree would not)."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 'credits_hourrecord'::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname"
    )
    return cursor.fetchall()


def _records(scale: Scale, ids: list[int], platform_org: Organisation, steps: dict) -> None:
    """scale.records approved platform lines, spread evenly over people and YEARS (so every person
    has records/professionals lines), then the yearly summaries in one grouped statement.

    Generated in SQL from a numbered list of the people, with the ledger's secondary indexes and
    the refs' key (credits_hourrecord_ref) built after the load; the partition and refs triggers
    run as in production (the refs trigger is statement-level: one INSERT ... SELECT per chunk)."""
    chunk = 2_000_000
    copying = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("DROP TABLE IF EXISTS bench_people")
        cursor.execute("CREATE TEMP TABLE bench_people (idx bigint PRIMARY KEY, user_id bigint NOT NULL)")
    _copy("bench_people", ["idx", "user_id"], enumerate(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        # The reverses key is deferred to commit (credits 0005): checked per statement here, so no
        # check is still pending when the indexes are built in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes = _ledger_indexes(cursor)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT to_regclass('credits_hourrecord_ref')")
        refs_table = cursor.fetchone()[0] is not None
        if refs_table:  # partitioned (PostgreSQL, credits 0005): the refs' unique key, built after
            cursor.execute("ALTER TABLE credits_hourrecord_ref DROP CONSTRAINT hour_record_unique_external_ref")
        for start in range(0, scale.records, chunk):
            cursor.execute(
                RECORDS_SQL,
                {
                    "recorded_by": platform_org.pk,
                    "mark": MARK,
                    "now": timezone.now(),
                    "start": start,
                    "stop": min(scale.records, start + chunk),
                    "people": len(ids),
                    "years": list(YEARS),
                    "n_years": len(YEARS),
                },
            )
            print(f"    {min(scale.records, start + chunk):,} records", flush=True)
        built = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))  # build every partition's too
        if refs_table:
            cursor.execute(
                "ALTER TABLE credits_hourrecord_ref ADD CONSTRAINT hour_record_unique_external_ref "
                "UNIQUE (recorded_by_id, external_ref)"
            )
            # Each partition's indexes carry the parent index's name (credits 0005).
            cursor.execute(
                "SELECT credits_hourrecord_name_indexes(c.oid::regclass, "
                "substring(c.relname from length('credits_hourrecord_') + 1)) "
                "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'credits_hourrecord'::regclass"
            )
        steps["ledger indexes built (part of records)"] = round(time.perf_counter() - built, 1)
    steps["ledger lines written and indexed (part of records)"] = round(time.perf_counter() - copying, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO credits_yearsummary (professional_id, year, public_hours, professional_hours, updated_at)
            SELECT professional_id, year,
                   SUM(CASE WHEN category = 'public' THEN hours ELSE 0 END),
                   SUM(CASE WHEN category = 'professional' THEN hours ELSE 0 END), now()
            FROM credits_hourrecord WHERE status = 'approved'
            GROUP BY professional_id, year
            ON CONFLICT (professional_id, year) DO NOTHING
            """
        )
    # The per-employer and per-city rollups the reports read (set-based, like a deployment's
    # `manage.py rebuild_rollups` after a bulk load).
    from credits.services.rollups import rebuild_rollups

    started = time.perf_counter()
    counted = rebuild_rollups()
    steps["rollups (part of records)"] = round(time.perf_counter() - started, 1)
    print(f"    rollups: {counted:,} staff-years in {steps['rollups (part of records)']:.1f} s", flush=True)
    with connection.cursor() as cursor:
        tables = ["accounts_user", "accounts_membership", "credits_hourrecord", "credits_yearsummary"]
        tables += ["credits_staffyearstatus", "credits_employeryearrollup", "credits_cityyearrollup"]
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _catalogue(scale: Scale, provider: Organisation, platform: LearningPlatform) -> None:
    topic, _ = Topic.objects.get_or_create(year=YEAR, name=f"{MARK} 专题", defaults={"group": Topic.Group.ELECTIVE})
    Course.objects.bulk_create(
        (
            Course(
                title=f"{MARK} 公需课 {i:05d}",
                category=Category.PUBLIC,
                topic=topic,
                hours=Decimal("2.0"),
                mode=Mode.ONLINE,
                provider=provider,
                platform=platform,
                url="https://bench.example.cn/c",
                year_from=YEAR - 1,
                year_to=YEAR,
                status=Course.Status.PUBLISHED,
            )
            for i in range(scale.courses)
        ),
        batch_size=2000,
    )


def _staff(username: str, organisation: Organisation, role: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"name": username, "is_verified": True})
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


def seed(scale: Scale) -> dict:
    """Seed the scale; returns the seconds of each step (kept with the marker for later runs)."""
    connection.ensure_connection()
    started = time.perf_counter()
    steps = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - since, 1)
        return now

    _policies()
    roster, export, others = _employers()
    base = Organisation.objects.create(
        name=f"{MARK} 继续教育基地", kind=Organisation.Kind.CE_BASE, base_level="provincial", city="jinan"
    )
    platform = LearningPlatform.objects.create(
        owner=base, name=f"{MARK} 平台", url="https://bench.example.cn", audience="全省", department="培训部"
    )
    print(f"  seeding {scale.professionals:,} professionals (COPY) ...", flush=True)
    ids = _people(scale, roster, export, others)
    mark = lap("people and memberships", started)
    print(f"  people in {time.perf_counter() - started:.0f} s; {scale.records:,} records (COPY) ...", flush=True)
    _records(scale, ids, base, steps)
    mark = lap("records, summaries, rollups, vacuum", mark)
    _catalogue(scale, base, platform)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give them later
        for table in ("courses_course", "courses_course_teachers", "courses_topic"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    lap("catalogue", mark)
    steps["total"] = round(time.perf_counter() - started, 1)
    _mark(scale, steps)
    print(f"  seeded in {steps['total']:.0f} s", flush=True)
    return steps


@dataclass
class Actors:
    """Who makes each measured request, and on what."""

    professional: int
    roster_admin: int
    export_admin: int
    province: int
    city: int
    base_admin: int
    base_token: str
    roster_org: int
    export_org: int
    bulk_people: list[str]
    platform: int
    cold_people: list[int]  # professionals spread over the whole population, each read in turn
    city_staff: list[int]  # one bureau user per city
    employer_admins: list[int]  # admins of other employers (about professionals / 958 staff each)

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("bulk_people", "cold_people", "city_staff", "employer_admins"):
            data[key] = len(data[key])
        return data


def actors() -> Actors:
    roster = Organisation.objects.filter(name__startswith=f"{MARK} ", kind="employer").order_by("id")
    roster_org, export_org = list(roster[:2])
    base = Organisation.objects.get(name=f"{MARK} 继续教育基地")
    province = Organisation.objects.filter(kind=Organisation.Kind.PROVINCIAL_BUREAU).first() or (
        Organisation.objects.create(name=f"{MARK} 省人社厅", kind=Organisation.Kind.PROVINCIAL_BUREAU)
    )
    bureau = Organisation.objects.filter(kind=Organisation.Kind.CITY_BUREAU, city=City.JINAN).first() or (
        Organisation.objects.create(name=f"{MARK} 济南市人社局", kind=Organisation.Kind.CITY_BUREAU, city=City.JINAN)
    )
    base_admin = _staff(f"{PREFIX}-base", base, Role.BASE_ADMIN)
    people = User.objects.filter(username__regex=rf"^{PREFIX}[0-9]").order_by("id")
    every = list(people.values_list("id", flat=True))
    cold = every[:: max(1, len(every) // COLD_PEOPLE)][:COLD_PEOPLE]
    city_staff = []
    for city in City:
        office = Organisation.objects.filter(kind=Organisation.Kind.CITY_BUREAU, city=city).first() or (
            Organisation.objects.create(
                name=f"{MARK} {city.label}人社局", kind=Organisation.Kind.CITY_BUREAU, city=city
            )
        )
        city_staff.append(_staff(f"{PREFIX}-city-{city.value}", office, Role.CITY_STAFF).pk)
    others = list(roster[2 : 2 + COLD_EMPLOYERS])
    return Actors(
        professional=every[0],
        roster_admin=_staff(f"{PREFIX}-roster", roster_org, Role.EMPLOYER_ADMIN).pk,
        export_admin=_staff(f"{PREFIX}-export", export_org, Role.EMPLOYER_ADMIN).pk,
        province=_staff(f"{PREFIX}-province", province, Role.PROVINCE_STAFF).pk,
        city=_staff(f"{PREFIX}-city", bureau, Role.CITY_STAFF).pk,
        base_admin=base_admin.pk,
        base_token=Token.objects.get_or_create(user=base_admin)[0].key,
        roster_org=roster_org.pk,
        export_org=export_org.pk,
        bulk_people=list(people.values_list("id_number", flat=True)[:10_000]),
        platform=LearningPlatform.objects.get(owner=base).pk,
        cold_people=cold,
        city_staff=city_staff,
        employer_admins=[_staff(f"{PREFIX}-admin-{o.pk}", o, Role.EMPLOYER_ADMIN).pk for o in others],
    )


def bulk_course(run: int) -> Course:
    """A course of its own for each bulk run: a person is credited a course once a year."""
    base = Organisation.objects.get(name=f"{MARK} 继续教育基地")
    topic = Topic.objects.get(year=YEAR, name=f"{MARK} 专题")
    return Course.objects.create(
        title=f"{MARK} 批量登记课程 {timezone.now():%H%M%S} {run}",
        category=Category.PUBLIC,
        topic=topic,
        hours=Decimal("4.0"),
        mode=Mode.ONLINE,
        provider=base,
        platform=LearningPlatform.objects.get(owner=base),
        url="https://bench.example.cn/bulk",
        year_from=YEAR,
        year_to=YEAR,
        status=Course.Status.PUBLISHED,
    )


def bulk_rows(people: list[str], course: Course) -> list[dict]:
    return [
        {
            "id_number": id_number,
            "year": YEAR,
            "category": "public",
            "hours": "2.0",
            "course": course.pk,
            "completed_on": datetime.date(YEAR, 6, 1).isoformat(),
            "external_ref": f"{MARK}-bulk-{course.pk}-{i}",
        }
        for i, id_number in enumerate(people)
    ]
