"""Ledger benchmark: 100,000 professionals and 2,000,000 hour records on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres h_credits_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_credits_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_credits_bench .venv/bin/python -m bench ledger

Seeding uses COPY and takes a few minutes the first time; a second run reuses the data. Sizes
can be lowered for a quick try with BENCH_PROFESSIONALS / BENCH_RECORDS. It then times, through
the real views (Django test client, logged in):
  - GET /api/v1/me/hours/ for a professional with ~20 records,
  - the employer roster page and the compliance API page of an employer with 2,000 staff,
    and the .xlsx export of all 2,000 rows,
  - the province-by-city report page, and the city-by-employer report page.
"""

import datetime
import io
import os
import random
import statistics
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import City, Membership, Organisation, Role, User
from accounts.validators import check_character
from credits.models import HourRecord, YearPolicy, YearSummary

PREFIX = "bench"
YEARS = (2024, 2025, 2026)
BIG_EMPLOYER = "BENCH 大型单位（2000人）"
BIG_STAFF = 2000
EMPLOYERS_PER_CITY = 60
USER_COLUMNS = (
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "name",
    "id_number",
    "phone",
    "is_verified",
)


def _id_number(n: int) -> str:
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 900)
    first17 = f"370199{born:%Y%m%d}{n % 900 + 100:03d}"
    return first17 + check_character(first17)


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _seed(professionals: int, records: int) -> None:
    rng = random.Random(2022)
    now = timezone.now().isoformat()
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
    employers = []
    for city in City:
        for i in range(EMPLOYERS_PER_CITY):
            name = BIG_EMPLOYER if (city == City.JINAN and i == 0) else f"BENCH {city.label}单位{i:03d}"
            employers.append(Organisation(name=name, kind=Organisation.Kind.EMPLOYER, city=city))
    Organisation.objects.bulk_create(employers, ignore_conflicts=True)
    employers = list(Organisation.objects.filter(name__startswith="BENCH ").order_by("id"))
    big = next(e for e in employers if e.name == BIG_EMPLOYER)
    others = [e for e in employers if e.pk != big.pk]
    platform = Organisation.objects.get_or_create(
        name="BENCH 继续教育基地",
        defaults={"kind": Organisation.Kind.CE_BASE, "base_level": "provincial", "city": "jinan"},
    )[0]

    password = make_password("bench-password-2022")
    print(f"  seeding {professionals} professionals ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        _copy(
            "accounts_user",
            [*USER_COLUMNS],
            (
                [password, "f", f"{PREFIX}{n:07d}", "", "", "", "f", "t", now, f"测试{n}", _id_number(n), "", "t"]
                for n in range(professionals)
            ),
        )
        ids = list(User.objects.filter(username__startswith=PREFIX).order_by("id").values_list("id", flat=True))
        _copy(
            "accounts_membership",
            ["user_id", "organisation_id", "role", "department", "job_title", "is_active", "created_at"],
            (
                [
                    uid,
                    big.pk if i < BIG_STAFF else others[i % len(others)].pk,
                    Role.PROFESSIONAL,
                    f"科室{i % 12}",
                    "",
                    "t",
                    now,
                ]
                for i, uid in enumerate(ids)
            ),
        )
    print(f"  people: {time.perf_counter() - started:.1f}s; seeding {records} records ...", flush=True)
    started = time.perf_counter()
    chunk = 250_000
    columns = ["professional_id", "year", "completed_on", "category", "hours", "title", "source"]
    columns += ["recorded_by_id", "external_ref", "status", "decided_at", "reason", "proof", "created_at"]
    for start in range(0, records, chunk):
        with transaction.atomic():
            _copy(
                "credits_hourrecord",
                columns,
                (
                    [
                        ids[n % len(ids)],
                        (year := YEARS[(n // len(ids)) % len(YEARS)]),
                        f"{year}-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                        "public" if rng.random() < 0.35 else "professional",
                        f"{rng.randint(5, 120) / 10:.1f}",
                        "平台课程学习",
                        "platform",
                        platform.pk,
                        f"BENCH-{n}",
                        "approved",
                        now,
                        "",
                        "",
                        now,
                    ]
                    for n in range(start, min(records, start + chunk))
                ),
            )
        print(f"    {min(records, start + chunk)} rows", flush=True)
    with connection.cursor() as cursor:
        # Summaries of the bulk load in one statement; normal writes keep them current row by row.
        cursor.execute(
            """
            INSERT INTO credits_yearsummary (professional_id, year, public_hours, professional_hours, updated_at)
            SELECT professional_id, year,
                   SUM(CASE WHEN category = 'public' THEN hours ELSE 0 END),
                   SUM(CASE WHEN category = 'professional' THEN hours ELSE 0 END), now()
            FROM credits_hourrecord WHERE status = 'approved' AND external_ref LIKE 'BENCH-%'
            GROUP BY professional_id, year
            ON CONFLICT (professional_id, year) DO NOTHING
            """
        )
        cursor.execute("ANALYZE accounts_user; ANALYZE accounts_membership; ANALYZE credits_hourrecord;")
        cursor.execute("ANALYZE credits_yearsummary;")
    from credits.services.rollups import rebuild_rollups

    rebuild_rollups()  # the reports read the per-employer and per-city rollups
    print(f"  records + summaries + rollups: {time.perf_counter() - started:.1f}s", flush=True)


def _time(label: str, fn, repeat: int = 7) -> None:
    fn()  # warm up (connection, caches, first-query plans)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    print(f"  {label:<48} median {statistics.median(samples):8.1f} ms   max {max(samples):8.1f} ms")


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def run(professionals: int | None = None, records: int | None = None) -> None:
    if connection.vendor != "postgresql":
        print("  this benchmark needs PostgreSQL: set DATABASE_URL")
        return
    professionals = professionals or int(os.environ.get("BENCH_PROFESSIONALS", 100_000))
    records = records or int(os.environ.get("BENCH_RECORDS", 2_000_000))
    if not User.objects.filter(username__startswith=PREFIX).exists():
        _seed(professionals, records)
    print(
        f"  data: {User.objects.filter(username__regex=rf'^{PREFIX}[0-9]').count()} professionals, "
        f"{HourRecord.objects.count()} records, {YearSummary.objects.count()} summaries"
    )
    year = YEARS[-1]
    big = Organisation.objects.get(name=BIG_EMPLOYER)
    person = User.objects.filter(username__startswith=PREFIX).order_by("id").first()
    admin, _ = User.objects.get_or_create(username=f"{PREFIX}-employer-admin")
    Membership.objects.get_or_create(user=admin, organisation=big, role=Role.EMPLOYER_ADMIN)
    province = Organisation.objects.filter(kind=Organisation.Kind.PROVINCIAL_BUREAU).first()
    if province is None:
        province = Organisation.objects.create(name="BENCH 省人社厅", kind=Organisation.Kind.PROVINCIAL_BUREAU)
    staff, _ = User.objects.get_or_create(username=f"{PREFIX}-province")
    Membership.objects.get_or_create(user=staff, organisation=province, role=Role.PROVINCE_STAFF)
    bureau = Organisation.objects.filter(kind=Organisation.Kind.CITY_BUREAU, city=City.JINAN).first()
    if bureau is None:
        bureau = Organisation.objects.create(
            name="BENCH 济南市人社局", kind=Organisation.Kind.CITY_BUREAU, city="jinan"
        )
    city_staff, _ = User.objects.get_or_create(username=f"{PREFIX}-city")
    Membership.objects.get_or_create(user=city_staff, organisation=bureau, role=Role.CITY_STAFF)

    me, boss, prov, city = Client(), Client(), Client(), Client()
    me.force_login(person)
    boss.force_login(admin)
    prov.force_login(staff)
    city.force_login(city_staff)
    _time("GET /api/v1/me/hours/", lambda: _ok(me.get("/api/v1/me/hours/", {"year": year})))
    _time("roster page, 2,000 staff (page 1 of 80)", lambda: _ok(boss.get("/hours/roster/", {"year": year})))
    _time(
        "roster page, 2,000 staff, filter not compliant",
        lambda: _ok(boss.get("/hours/roster/", {"year": year, "compliant": "0"})),
    )
    _time(
        "API organisations/{id}/compliance/ (50 rows)",
        lambda: _ok(boss.get(f"/api/v1/organisations/{big.pk}/compliance/", {"year": year})),
    )
    _time("roster .xlsx export, all 2,000 rows", lambda: _ok(boss.get("/hours/roster/export/", {"year": year})), 3)
    _time("province-by-city report", lambda: _ok(prov.get("/hours/province/", {"year": year})))
    _time("city-by-employer report (Jinan)", lambda: _ok(city.get("/hours/city/", {"year": year})))
