"""Records arriving from learning platforms and CE bases (API, bulk API, Excel import): all rows or
none, idempotent on external_ref, each course or training once per person and year, each row
checked against the sender's rights (`rights`) and the year's calendar (`calendar`)."""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation
from accounts.services import audit
from courses.models import Course

from ..models import HourRecord, YearPolicy
from . import rights
from .calendar import hours_count_in_year_completed
from .ledger import _apply_records
from .locks import lock_years
from .rows import Row, parse_row
from .sql import insert_records

MAX_BULK_ROWS = 10_000


@contextmanager
def no_gc_pauses():
    """A batch allocates some 100,000 long-lived objects (decoded rows, parsed rows, records); each
    allocation burst triggers a full collection that walks the whole process heap (Django, the app,
    every module) and finds nothing to free: a third of a 10,000-row request. The cyclic collector
    is paused for the batch and resumes after it (reference counting still frees everything)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@dataclass
class RowError:
    index: int
    errors: dict
    # Set when the row repeats a course or training already credited that year (answered 409).
    first_record: int | None = None
    duplicate: bool = field(default=False)
    # Set when the row repeats an earlier row of the same batch: that row's index.
    same_as: int | None = None
    # A duplicate's course or training title, for messages in the sender's terms (the Excel import).
    subject: str = ""

    def as_dict(self) -> dict:
        data = {"index": self.index, "errors": self.errors}
        if self.duplicate:
            data["first_record"] = self.first_record
        return data


class BulkRejected(ValidationError):
    """Some rows are bad: nothing was stored. `row_errors` lists each bad row."""

    def __init__(self, row_errors: list[RowError], message: str | None = None):
        self.row_errors = row_errors
        super().__init__(
            message or _("有 %(n)s 行数据有误，全部未导入。") % {"n": len(row_errors)}, code="bulk_rejected"
        )

    @property
    def only_duplicates(self) -> bool:
        return bool(self.row_errors) and all(e.duplicate for e in self.row_errors)


def _credited_key(record_or_row) -> tuple | None:
    """What 'once per person and year' is about: the course of a platform/offline row, or its training."""
    if record_or_row.training_id:
        return ("training", record_or_row.training_id)
    if record_or_row.course_id:
        return ("course", record_or_row.course_id)
    return None


def _first_records(rows: list[tuple[int, Row, int]]) -> dict[tuple, HourRecord]:
    """(person, year, key) -> the record that already holds that slot (not rejected)."""
    people = {person_id for _i, _r, person_id in rows}
    courses = {r.course_id for _i, r, _p in rows if r.course_id and not r.training_id}
    trainings = {r.training_id for _i, r, _p in rows if r.training_id}
    if not (courses or trainings):
        return {}
    held = (
        HourRecord.objects.filter(professional_id__in=people, year__in={r.year for _i, r, _p in rows})
        .filter(
            Q(course_id__in=courses, source__in=[HourRecord.Source.PLATFORM, HourRecord.Source.OFFLINE])
            | Q(training_id__in=trainings)
        )
        .exclude(status=HourRecord.Status.REJECTED)
        .only("id", "professional_id", "year", "course_id", "training_id", "recorded_by_id", "external_ref")
    )
    first: dict[tuple, HourRecord] = {}
    for record in sorted(held, key=lambda r: r.pk):
        first.setdefault((record.professional_id, record.year, _credited_key(record)), record)
    return first


class _CommittedMeanwhile(Exception):
    """A concurrent post of the very same row committed between our reads: start again, and the
    row is then answered with the stored record like any repeated external_ref."""


def _validate(*, organisation: Organisation, actor, rows: list, existing: dict) -> list[HourRecord | None]:
    """Every row checked with a handful of set-based queries; BulkRejected lists all bad rows.
    Rows whose external_ref this unit already used come back as None (the stored record answers)."""
    parsed = [parse_row(raw) for raw in rows]
    todo = [(i, row, problems) for i, (row, problems) in enumerate(parsed) if row.external_ref not in existing]
    people = rights.people_in_scope(organisation=organisation, id_numbers={row.id_number for _i, row, _p in todo})
    courses = Course.objects.select_related("platform").in_bulk(
        {row.course_id for _i, row, _p in todo if row.course_id}
    )
    trainings = rights.trainings_for(organisation=organisation, rows=[row for _i, row, _p in todo])
    policies = {p.year: p for p in YearPolicy.objects.filter(year__in={row.year for _i, row, _p in todo if row.year})}
    is_base = organisation.kind == Organisation.Kind.CE_BASE
    errors: list[RowError] = []
    checked: list[tuple[int, Row, int]] = []
    seen_refs: set[str] = set()
    for index, row, problems in todo:
        if row.external_ref and row.external_ref in seen_refs:
            problems["external_ref"] = _("同一批次中外部编号重复。")
        seen_refs.add(row.external_ref)
        person = people.get(row.id_number)  # an id
        if person is None:
            # Scope first, and alone: were the row's other faults listed too, which of them are
            # found (a course's hours, a duplicate) would tell a known person from an unknown one.
            errors.append(
                RowError(index=index, errors={"id_number": problems.get("id_number", _(rights.NOT_IN_SCOPE))})
            )
            continue
        policy = policies.get(row.year)
        if row.year is not None and policy is None:
            problems["year"] = _("%(year)s年度的学时要求尚未设置。") % {"year": row.year}
        if policy is not None and row.completed_on is not None:
            try:
                hours_count_in_year_completed(policy=policy, completed_on=row.completed_on)
            except ValidationError as exc:
                problems["completed_on"] = exc.messages[0]
        row.source = row.source or (HourRecord.Source.PLATFORM if row.course_id else HourRecord.Source.OFFLINE)
        if row.source == HourRecord.Source.PLATFORM:
            if row.training_id:
                problems["training"] = _("平台课程学习记录不填写培训编号。")
            elif row.course_id is None:
                problems.setdefault("course", _("平台课程学习记录必须指明课程。"))
            elif "course" not in problems:
                course = courses.get(row.course_id)
                problems.update(rights.check_course(organisation=organisation, course=course, row=row, offline=False))
        elif is_base:
            if row.course_id:
                problems.setdefault("course", _("线下培训记录请填写工作计划培训编号，不填课程。"))
            elif row.training_id is None:
                problems.setdefault("training", _("线下培训须填写本基地年度工作计划中的培训编号。"))
            elif "training" not in problems:
                problems.update(rights.check_training(training=trainings.get(row.training_id), row=row))
        elif row.training_id:
            problems["training"] = _("只有继续教育基地按年度工作计划登记培训。")
        elif row.course_id is None:
            problems.setdefault("course", _("线下培训记录须指明本单位发布的课程。"))
        elif "course" not in problems:
            course = courses.get(row.course_id)
            problems.update(rights.check_course(organisation=organisation, course=course, row=row, offline=True))
        if problems:
            errors.append(RowError(index=index, errors=problems))
        else:
            checked.append((index, row, person))
    if not errors:
        errors = _duplicates(organisation, checked, courses=courses, trainings=trainings)
    if errors:
        raise BulkRejected(sorted(errors, key=lambda e: e.index))
    return _records(
        organisation=organisation, actor=actor, rows=rows, checked=checked, trainings=trainings, policies=policies
    )


def _duplicates(
    organisation: Organisation, checked: list[tuple[int, Row, int]], *, courses, trainings
) -> list[RowError]:
    """Once per course: “each course once per person per year”, whatever the external_ref. The API's
    message names the record that holds the slot; `subject` carries the title for the Excel import,
    whose users know the course by its name."""
    first = _first_records(checked)
    in_batch: dict[tuple, int] = {}
    errors = []
    for index, row, person_id in checked:
        key = _credited_key(row)
        if key is None:
            continue
        slot = (person_id, row.year, key)
        what = _("课程") if key[0] == "course" else _("培训")
        if slot in first:
            holder = first[slot]
            if holder.recorded_by_id == organisation.pk and holder.external_ref == row.external_ref:
                raise _CommittedMeanwhile
            held = courses.get(key[1]) if key[0] == "course" else trainings.get(key[1])
            message = _("该人员%(year)s年度已登记过该%(what)s（记录编号 %(id)s），每年只计一次。") % {
                "year": row.year,
                "what": what,
                "id": holder.pk,
            }
            errors.append(
                RowError(
                    index=index,
                    errors={key[0]: message},
                    first_record=holder.pk,
                    duplicate=True,
                    subject=held.title if held else row.title,
                )
            )
        elif slot in in_batch:
            message = _("与本批第 %(n)s 条记录重复：同一人同一年度同一%(what)s只计一次。") % {
                "n": in_batch[slot] + 1,
                "what": what,
            }
            errors.append(RowError(index=index, errors={key[0]: message}, duplicate=True, same_as=in_batch[slot]))
        else:
            in_batch[slot] = index
    return errors


def _records(*, organisation, actor, rows, checked, trainings, policies) -> list[HourRecord | None]:
    people = {person_id for _i, _r, person_id in checked}
    years = {r.year for _i, r, _p in checked}
    totals = defaultdict(lambda: 0)
    # The hours registered so far only matter under a review threshold (none: nothing to compare).
    # They are read under the unit's (unit, year) lock, so a concurrent batch of the same unit waits
    # until this one commits and then counts its rows: two batches cannot both pass the threshold.
    threshold_years = [year for year in years if policies[year].review_threshold is not None]
    if threshold_years:
        lock_years(scope="unit", keys=[(organisation.pk, year) for year in threshold_years])
        totals.update(rights.credited_so_far(organisation=organisation, people=people, years=years))
    now = timezone.now()
    actor_id = actor.pk if actor else None
    fresh = _FreshRecords(recorded_by=organisation, submitted_by_id=actor_id)
    built: list[HourRecord | None] = [None] * len(rows)
    for index, row, person_id in checked:
        training = trainings.get(row.training_id) if row.training_id else None
        totals[(person_id, row.year)] += row.hours
        approved = rights.approved_on_arrival(source=row.source, training=training) and not (
            rights.over_review_threshold(policy=policies[row.year], total_after=totals[(person_id, row.year)])
        )
        built[index] = fresh.new(
            professional_id=person_id,
            year=row.year,
            completed_on=row.completed_on,
            category=row.category,
            hours=row.hours,
            title=row.title or (training.title if training else ""),
            source=row.source,
            course_id=row.course_id,
            training_id=training.pk if training else None,
            external_ref=row.external_ref,
            status=HourRecord.Status.APPROVED if approved else HourRecord.Status.PENDING,
            decided_by_id=actor_id if approved else None,
            decided_at=now if approved else None,
        )
    return built


class _FreshRecords:
    """Unsaved HourRecords made the way `Model.from_db` makes loaded ones: the field values set
    directly over a copy of a default instance's values (Model.__init__ with keyword arguments
    costs about a second for 10,000 rows). Only for fields without per-instance callable defaults,
    which HourRecord's intake fields are not; created_at is set on insert (auto_now_add)."""

    def __init__(self, *, recorded_by, submitted_by_id):
        template = HourRecord(recorded_by=recorded_by, submitted_by_id=submitted_by_id)
        self.values = {k: v for k, v in template.__dict__.items() if k != "_state"}
        self.cache = template._state.fields_cache

    def new(self, **values) -> HourRecord:
        record = HourRecord.__new__(HourRecord)
        record.__dict__.update(self.values)
        record.__dict__.update(values)
        record._state = ModelState()
        record._state.fields_cache = dict(self.cache)  # recorded_by, as the caller passed it
        return record


def _existing_refs(*, organisation: Organisation, rows: list) -> dict[str, HourRecord]:
    refs = set()
    for raw in rows:
        ref = raw.get("external_ref") if isinstance(raw, dict) else None
        if isinstance(ref, str | int) and not isinstance(ref, bool) and str(ref).strip():
            refs.add(str(ref).strip())
    if not refs:
        return {}
    records = HourRecord.objects.filter(recorded_by=organisation, external_ref__in=refs)
    if connection.vendor == "postgresql":
        # The ledger is partitioned by year there: the refs' key table (migration 0005) answers
        # in one index, instead of each year's partition being probed for every ref.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT external_ref, year FROM credits_hourrecord_ref "
                "WHERE recorded_by_id = %s AND external_ref = ANY(%s)",
                [organisation.pk, sorted(refs)],
            )
            found = cursor.fetchall()
        if not found:
            return {}
        records = HourRecord.objects.filter(
            recorded_by=organisation, external_ref__in=[ref for ref, _year in found], year__in={y for _r, y in found}
        )
    return {r.external_ref: r for r in records}


def record_platform_hours(*, organisation: Organisation, actor, rows: list) -> list[tuple[HourRecord, bool]]:
    """Completions posted by a CE base's or a city bureau's platform: all rows or none, each
    external_ref stored once (a repeat returns the existing record), approved on arrival only
    where `rights.approved_on_arrival` says so and below the policy's review threshold."""
    if len(rows) > MAX_BULK_ROWS:
        raise BulkRejected(
            [], _("单次最多提交 %(max)s 条记录，本次为 %(n)s 条。") % {"max": MAX_BULK_ROWS, "n": len(rows)}
        )
    # A concurrent post of the same refs, or of the same course for the same person, may commit
    # between our checks and our insert: a unique constraint refuses ours, and the second attempt
    # sees that record (an existing ref answers with it; a taken course is a duplicate).
    for attempt in range(2):
        try:
            with no_gc_pauses(), transaction.atomic():
                existing = _existing_refs(organisation=organisation, rows=rows)
                built = _validate(organisation=organisation, actor=actor, rows=rows, existing=existing)
                new = [r for r in built if r is not None]
                _store(new)
            break
        except (IntegrityError, _CommittedMeanwhile):
            if attempt:
                raise ValidationError(_("有其他请求正在提交相同的记录，请稍后重试。"), code="concurrent") from None
    if len(rows) > 1:
        audit(
            type=AuditEvent.Type.DATA_IMPORTED,
            actor=actor,
            organisation=organisation,
            target="hour-records",
            data={"created": len(new), "existing": len(rows) - len(new)},
        )
    results = []
    for raw, record in zip(rows, built, strict=True):
        if record is not None:
            results.append((record, True))
        else:
            results.append((existing[str(raw["external_ref"]).strip()], False))
    return results


def _store(new: list[HourRecord]) -> None:
    """Insert in one sorted order (person, year, course, training, ref), so two batches for the same
    people in opposite orders wait for each other instead of deadlocking on the unique indexes."""
    new.sort(key=lambda r: (r.professional_id, r.year, r.course_id or 0, r.training_id or 0, r.external_ref))
    insert_records(HourRecord, new)
    _apply_records(new)
