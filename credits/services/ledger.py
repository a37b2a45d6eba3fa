"""The ledger's core: hours parsing, inserting records and keeping `YearSummary` equal to the
approved records (same transaction, rows locked with select_for_update)."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Category
from courses.services import freeze_courses
from portal import cache_versions
from portal.hours import parse_hours as portal_parse_hours

from ..models import HourRecord, HoursCertificate, YearSummary
from ..selectors import ZERO
from .rollups import rebuild_rollups, refresh_records
from .sql import update_rows

MAX_RECORD_HOURS = Decimal("999.9")
LOCK_CHUNK = 500
# Pairs per statement when certificates are superseded on SQLite (two variables each).
SUPERSEDE_CHUNK = 400
# Records that claim a course's hours (at most them, in its category): compared with its frozen figures.
CLAIMS_COURSE_HOURS = (HourRecord.Source.PLATFORM, HourRecord.Source.OFFLINE)


def parse_hours(value) -> Decimal:
    """Hours of one ledger record: positive, at most one decimal place, or a Chinese error."""
    return portal_parse_hours(value, maximum=MAX_RECORD_HOURS)


def _field_for(category: str) -> str:
    return "public_hours" if category == Category.PUBLIC else "professional_hours"


def _apply_deltas(deltas: dict[tuple[int, int], dict[str, Decimal]]) -> None:
    """Add approved hours to the summaries, row-locked, inside the caller's transaction."""
    if not deltas:
        return
    if connection.vendor == "postgresql":
        _upsert_deltas(deltas)
        return
    # Created and then locked in (professional, year) order, so two transactions touching the same
    # people in opposite orders wait for each other instead of deadlocking (tested on PostgreSQL);
    # fetched by people in chunks (a batch may hold 10,000 people), wanted years only.
    YearSummary.objects.bulk_create(
        [YearSummary(professional_id=pid, year=year) for pid, year in sorted(deltas)], ignore_conflicts=True
    )
    people = sorted({pid for pid, _year in deltas})
    years = sorted({year for _pid, year in deltas})
    summaries = []
    for start in range(0, len(people), LOCK_CHUNK):
        chunk = people[start : start + LOCK_CHUNK]
        rows = YearSummary.objects.select_for_update().filter(professional_id__in=chunk, year__in=years)
        summaries += [s for s in rows.order_by("professional_id", "year") if (s.professional_id, s.year) in deltas]
    now = timezone.now()
    for summary in summaries:
        change = deltas[(summary.professional_id, summary.year)]
        summary.public_hours += change.get("public_hours", ZERO)
        summary.professional_hours += change.get("professional_hours", ZERO)
        summary.updated_at = now
    update_rows(
        YearSummary,
        keys=("id",),
        fields=("public_hours", "professional_hours", "updated_at"),
        rows=[(s.pk, s.public_hours, s.professional_hours, now) for s in summaries],
    )
    _supersede_certificates(sorted(deltas), now=now)


def _supersede_certificates(keys: list[tuple[int, int]], *, now) -> None:
    """SQLite: the certificates of the changed (person, year)s are superseded, pairs matched exactly
    (PostgreSQL does it in the summaries' upsert statement)."""
    value = connection.ops.adapt_datetimefield_value(now)
    table = HoursCertificate._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(keys), SUPERSEDE_CHUNK):
            chunk = keys[start : start + SUPERSEDE_CHUNK]
            pairs = ", ".join(["(%s, %s)"] * len(chunk))
            sql = f"UPDATE {table} SET superseded_at = %s WHERE superseded_at IS NULL AND (professional_id, year) IN (VALUES {pairs})"  # noqa: S608, E501
            cursor.execute(sql, [value, *(v for key in chunk for v in key)])


def _upsert_deltas(deltas: dict[tuple[int, int], dict[str, Decimal]]) -> None:
    """PostgreSQL: one INSERT ... ON CONFLICT DO UPDATE SET hours = hours + delta per 2,000 people,
    rows taken in (professional, year) order, so concurrent batches lock in the same order; the
    increments happen in SQL under the row lock, so none is lost. The same statement supersedes the
    certificates of every (person, year) it changed (a data-modifying CTE: no extra round trip)."""
    meta, now = YearSummary._meta, timezone.now()
    certificates = HoursCertificate._meta.db_table
    casts = [meta.get_field(f).db_type(connection) for f in ("professional_id", "year", "public_hours")]
    placeholder = f"(%s::{casts[0]}, %s::{casts[1]}, %s::{casts[2]}, %s::{casts[2]})"
    keys = sorted(deltas)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 2000):
            chunk = keys[start : start + 2000]
            params = [now]
            for pid, year in chunk:
                change = deltas[(pid, year)]
                params += [pid, year, change.get("public_hours", ZERO), change.get("professional_hours", ZERO)]
            params.append(now)
            cursor.execute(
                f"""
                WITH changed AS (
                INSERT INTO {meta.db_table} AS s (professional_id, year, public_hours, professional_hours, updated_at)
                SELECT v.pid, v.year, v.pub, v.pro, %s
                FROM (VALUES {", ".join([placeholder] * len(chunk))}) AS v(pid, year, pub, pro)
                ORDER BY v.pid, v.year
                ON CONFLICT (professional_id, year) DO UPDATE SET
                    public_hours = s.public_hours + EXCLUDED.public_hours,
                    professional_hours = s.professional_hours + EXCLUDED.professional_hours,
                    updated_at = EXCLUDED.updated_at
                RETURNING s.professional_id, s.year
                )
                UPDATE {certificates} AS c SET superseded_at = %s FROM changed
                WHERE c.professional_id = changed.professional_id AND c.year = changed.year
                    AND c.superseded_at IS NULL
                """,  # noqa: S608 (table names from the models, values as parameters)
                params,
            )


def _freeze_credited_courses(records) -> None:
    """课程一经计入学时即锁定: the courses that approved records name are frozen in the records'
    transaction (courses.services.freeze_courses), and a platform or offline record is compared once
    more with the frozen figures: at most the course's hours, in its category. A provider's edit that
    committed between the intake's checks and this point is caught here, and the records refused."""
    credited = [r for r in records if r.status == HourRecord.Status.APPROVED and r.course_id]
    if not credited:
        return
    figures = freeze_courses(course_ids={r.course_id for r in credited})
    for record in credited:
        if record.source not in CLAIMS_COURSE_HOURS:
            continue
        hours, category = figures[record.course_id]
        if record.hours > hours or record.category != category:
            raise ValidationError(
                _("课程（编号 %(id)s）的学时或科目类别已变更（现为%(hours)s学时），记录未计入，请核对后重新提交。")
                % {"id": record.course_id, "hours": hours},
                code="course_changed",
            )


def _apply_records(records) -> None:
    """Every record just inserted or decided, whatever its status: the courses of approved records
    frozen, approved hours into the summaries (superseding that person-year's certificates), then
    everyone touched re-placed in the report rollups (credits.services.rollups)."""
    _freeze_credited_courses(records)
    deltas: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for r in records:
        if r.status == HourRecord.Status.APPROVED:
            deltas[(r.professional_id, r.year)][_field_for(r.category)] += r.hours
    _apply_deltas(deltas)
    refresh_records(records)
    cache_versions.bump_people(r.professional_id for r in records)


def rebuild_summaries(*, year: int | None = None) -> int:
    """Recompute summaries, and the report rollups after them, from the ledger (after a bulk load;
    normal writes keep them current)."""
    qs = HourRecord.objects.approved()
    if year is not None:
        qs = qs.filter(year=year)
    sums: dict[tuple[int, int], YearSummary] = {}
    for row in qs.values("professional_id", "year", "category").annotate(s=Sum("hours")).order_by():
        key = (row["professional_id"], row["year"])
        summary = sums.setdefault(key, YearSummary(professional_id=key[0], year=key[1]))
        setattr(summary, _field_for(row["category"]), row["s"])
    with transaction.atomic():
        stale = YearSummary.objects.all() if year is None else YearSummary.objects.filter(year=year)
        stale.delete()
        YearSummary.objects.bulk_create(sums.values(), batch_size=5000)
        _after_bulk_load(year=year)
        rebuild_rollups(year=year)
        cache_versions.bump(cache_versions.SHARED)
    return len(sums)


def _after_bulk_load(*, year: int | None) -> None:
    """What `_apply_records` does per record, set-based after a load that bypassed it (COPY,
    bulk_create): courses with approved records frozen, certificates whose figures the rebuilt
    summaries no longer show superseded."""
    approved = HourRecord.objects.approved().filter(course__isnull=False)
    certificates = HoursCertificate.objects.filter(superseded_at__isnull=True)
    if year is not None:
        approved, certificates = approved.filter(year=year), certificates.filter(year=year)
    freeze_courses(course_ids=approved.values_list("course_id", flat=True).distinct().order_by())
    same = YearSummary.objects.filter(
        professional_id=OuterRef("professional_id"),
        year=OuterRef("year"),
        public_hours=OuterRef("public_hours"),
        professional_hours=OuterRef("professional_hours"),
    )
    certificates.exclude(Exists(same)).update(superseded_at=timezone.now())


def _insert(record: HourRecord) -> tuple[HourRecord, bool]:
    """Insert one record (and its approved hours), or return the one with the same external_ref."""
    if record.external_ref:
        existing = HourRecord.objects.filter(
            recorded_by_id=record.recorded_by_id, external_ref=record.external_ref
        ).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            record.save()
            _apply_records([record])
    except IntegrityError:
        existing = (
            record.external_ref
            and HourRecord.objects.filter(
                recorded_by_id=record.recorded_by_id, external_ref=record.external_ref
            ).first()
        )
        if existing:
            return existing, False
        raise
    return record, True
