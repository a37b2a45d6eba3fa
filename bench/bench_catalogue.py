"""Catalogue benchmark: page and API latency and query counts over a large catalogue, Excel import/export.

    DATABASE_URL=postgres://... .venv/bin/python -m bench catalogue     # BENCH_COURSES=N (default 50000)

Seeds N published courses (bulk, under a "基准测试" provider, reused on the next run), then times the
public catalogue page (no filter, a text search, a topic + city filter, a deep page), the API list
with filters, a 5,000-row Excel upload (validated, then rolled back) and the full catalogue export.
"""

import io
import os
import statistics
import time
from decimal import Decimal

import django


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()


def _seed(n: int):
    from accounts.models import City, Membership, Organisation, Role, User
    from courses.models import Category, Course, LearningPlatform, Mode, Teacher, Topic, WorkPlan

    topics = list(Topic.objects.filter(year=2022))
    department, _ = Organisation.objects.get_or_create(
        name="基准测试行业主管部门", defaults={"kind": Organisation.Kind.INDUSTRY_DEPARTMENT}
    )
    providers = []
    for i, city in enumerate(list(City)[:8]):
        org, _ = Organisation.objects.get_or_create(
            name=f"基准测试继续教育基地{i}",
            defaults={
                "kind": Organisation.Kind.CE_BASE,
                "base_level": "provincial",
                "city": city,
                "parent": department,
            },
        )
        WorkPlan.objects.get_or_create(base=org, year=2022, defaults={"title": "计划", "status": "approved"})
        LearningPlatform.objects.get_or_create(owner=org, name=f"基准平台{i}", defaults={"url": "https://b.example.cn"})
        providers.append(org)
    existing = Course.objects.filter(provider__in=providers).count()
    if existing < n:
        platforms = {p.owner_id: p for p in LearningPlatform.objects.filter(owner__in=providers)}
        batch = []
        for i in range(existing, n):
            provider = providers[i % len(providers)]
            public = i % 3 != 0
            batch.append(
                Course(
                    title=f"基准课程{i}" + ("网络安全" if i % 97 == 0 else ""),
                    category=Category.PUBLIC if public else Category.PROFESSIONAL,
                    topic=topics[i % len(topics)] if public else None,
                    sector=None if public else department,
                    hours=Decimal("2.0"),
                    mode=Mode.ONLINE,
                    provider=provider,
                    platform=platforms[provider.pk],
                    year_from=2021 + i % 3,
                    year_to=2021 + i % 3 + i % 4,
                    status=Course.Status.PUBLISHED,
                )
            )
        Course.objects.bulk_create(batch, batch_size=2000)
        through = Course.teachers.through
        teachers = [
            Teacher.objects.get_or_create(organisation=p, name=f"基准教师{j}")[0] for p in providers for j in range(3)
        ]
        ids = Course.objects.filter(provider__in=providers).exclude(teachers__isnull=False).values_list("id", flat=True)
        through.objects.bulk_create(
            [through(course_id=cid, teacher_id=teachers[cid % len(teachers)].pk) for cid in ids], batch_size=5000
        )
    admin, _ = User.objects.get_or_create(username="bench-base-admin")
    Membership.objects.get_or_create(user=admin, organisation=providers[0], role=Role.BASE_ADMIN)
    staff, _ = User.objects.get_or_create(username="bench-province")
    province, _ = Organisation.objects.get_or_create(
        name="基准测试省厅", defaults={"kind": Organisation.Kind.PROVINCIAL_BUREAU}
    )
    Membership.objects.get_or_create(user=staff, organisation=province, role=Role.PROVINCE_STAFF)
    return providers[0], admin, staff


def _time(label: str, fn, repeat: int = 5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - started) * 1000)
    print(f"{label:<44} median {statistics.median(times):8.1f} ms  queries {len(queries.captured_queries)}")
    return result


def run():
    _setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client
    from openpyxl import Workbook

    from courses import excel
    from courses.models import Course

    n = int(os.environ.get("BENCH_COURSES", "50000"))
    started = time.perf_counter()
    provider, admin, staff = _seed(n)
    print(f"catalogue: {Course.objects.count()} courses (seeded in {time.perf_counter() - started:.1f} s)")
    client = Client()
    _time("page /courses/?year=2022", lambda: client.get("/courses/", {"year": 2022}))
    _time("page search=网络安全", lambda: client.get("/courses/", {"year": 2022, "search": "网络安全"}))
    _time("page topic+city", lambda: client.get("/courses/", {"year": 2022, "topic": "知识产权", "city": "jinan"}))
    _time("page 200 (deep)", lambda: client.get("/courses/", {"year": 2022, "page": 200}))
    _time("API /api/v1/courses/?year=2022", lambda: client.get("/api/v1/courses/", {"year": 2022}))
    _time("API category+mode+search", lambda: client.get("/api/v1/courses/", {"category": "public", "search": "课程1"}))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(excel.HEADERS)
    for i in range(excel.MAX_IMPORT_ROWS):
        ws.append(
            [
                f"导入课程{i}",
                "公需课",
                "知识产权",
                "",
                "2.0",
                "线上",
                "",
                "https://b.example.cn/x",
                2022,
                2022,
                "张三",
                "否",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    payload = buffer.getvalue()

    def upload():
        with transaction.atomic():
            result = excel.import_courses(actor=admin, provider=provider, file=SimpleUploadedFile("b.xlsx", payload))
            transaction.set_rollback(True)
        return result

    result = _time(f"Excel upload {excel.MAX_IMPORT_ROWS} rows (rolled back)", upload, repeat=1)
    print(f"  -> created {result.created}, errors {len(result.errors)}")
    _time_junk_refusals(admin, provider)
    client.force_login(staff)
    response = _time("Excel export of the whole catalogue", lambda: client.get("/courses/export.xlsx"), repeat=1)
    print(f"  -> {len(response.content) / 1024 / 1024:.1f} MB")


def _time_junk_refusals(admin, provider):
    """100,000 rows of junk must be refused in well under 5 s (target): by the declared dimension,
    by the row cap while reading, or by the header. tests/courses/test_excel.py checks the refusals."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from courses import excel

    cases = {
        "junk rows, dimension declared": (excel.HEADERS, False),
        "junk rows, write-only (no dimension)": (excel.HEADERS, True),
        "junk header": (["junk", "x"], True),
    }
    for label, (header, write_only) in cases.items():
        wb = Workbook(write_only=write_only)
        ws = wb.create_sheet() if write_only else wb.active
        ws.append(header)
        for i in range(100_000):
            ws.append([f"junk{i}", "x"])
        buffer = io.BytesIO()
        wb.save(buffer)
        payload = buffer.getvalue()

        def refuse(payload=payload):
            try:
                excel.import_courses(actor=admin, provider=provider, file=SimpleUploadedFile("j.xlsx", payload))
            except ValidationError:
                return
            raise AssertionError("junk was accepted")

        _time(f"refuse 100,000 rows: {label} (target < 5 s)", refuse, repeat=3)
