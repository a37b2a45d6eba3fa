"""Per-employer and per-city yearly rollups (`EmployerYearRollup`, `CityYearRollup`), kept equal to
a recomputation from the ledger in the same transaction as every change that can move a person in
the reports:

- a record inserted (intake, bulk, self-report, teaching credit) or decided (approval, return,
  reversal): `ledger._insert`, `intake`, `decisions` call `refresh_staff` for the people touched;
- a person starting or leaving a staff membership (changing employer): a `Membership` signal;
- an employer moving to another city: an `Organisation` signal re-places its staff;
- a course moved to another topic while a binding topic requirement counts it: a `Course` signal
  re-places the people whose records of that course count in such a year;
- a department's or city's requirement set or removed: `requirements` refreshes the staff it binds;
- a policy created, changed or deleted: a `YearPolicy` signal rebuilds that year.

Each person's contribution is stored (`StaffYearStatus`); a refresh locks those rows (in person
order, so concurrent writers queue instead of deadlocking), recomputes them with the same SQL the
reports used to run over everyone, and adds the differences to the rollup rows with F()
increments (in employer then city order). `rebuild_rollups` recomputes everything from scratch
(management command `rebuild_rollups`, after a bulk load)."""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save

from accounts.models import Membership, Role

from ..models import CityYearRollup, EmployerYearRollup, HourRecord, StaffYearStatus, YearPolicy
from ..selectors.compliance import _with_figures, with_binding_requirements
from ..selectors.requirements import requirements_of_year
from .sql import update_rows

CHUNK = 2000
FLAGS = ("compliant", "public_short", "professional_short", "pending")
# The columns of a status row, in the order `_status_rows` selects them.
COLUMNS = ("professional_id", "organisation_id", "city", *FLAGS)


def _flag(condition) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _status_rows(*, policy: YearPolicy, people: list[int] | None = None, requirements=None):
    """Every active staff membership (or those of `people`) with the person's flags for the year:
    the rule of `selectors.compliance_by_city` before rollups, one row per person."""
    year = policy.year
    memberships = Membership.objects.active().filter(role=Role.PROFESSIONAL)
    if people is not None:
        memberships = memberships.filter(user_id__in=people)
    rows, condition = with_binding_requirements(
        _with_figures(memberships, year=year, user_path="user"), policy=policy, requirements=requirements
    )
    waiting = HourRecord.objects.filter(
        professional_id=OuterRef("user_id"), year=year, status=HourRecord.Status.PENDING
    )
    # Annotated in COLUMNS order and selected by name only, so the SQL's columns follow COLUMNS
    # (rebuild_rollups inserts them with INSERT ... SELECT).
    return rows.annotate(
        s_professional=F("user_id"),
        s_organisation=F("organisation_id"),
        s_city=Coalesce(F("organisation__city"), Value("")),
        s_compliant=_flag(condition),
        s_public_short=_flag(Q(public_hours__lt=policy.min_public)),
        s_professional_short=_flag(Q(professional_hours__lt=policy.min_professional)),
        s_pending=Exists(waiting),
        s_year=Value(year),
    ).values_list(*(f"s_{c.removesuffix('_id')}" for c in COLUMNS), "s_year")


def _contribution(values: tuple) -> Counter:
    _pid, organisation_id, _city, *flags = values
    if organisation_id is None:
        return Counter()
    counts = Counter(staff=1)
    for name, flag in zip(FLAGS, flags, strict=True):
        if flag:
            counts[name] = 1
    return counts


def _add(totals: dict, year: int, values: tuple, sign: int) -> None:
    organisation_id, city = values[1], values[2]
    for name, n in _contribution(values).items():
        totals["employer"][(organisation_id, year)][name] += sign * n
        if city:
            totals["city"][(city, year)][name] += sign * n


def _apply(totals: dict) -> None:
    """Add the differences to the rollup rows: F() increments, rows in a fixed order."""
    for model, key_fields, deltas in (
        (EmployerYearRollup, ("organisation_id", "year"), totals["employer"]),
        (CityYearRollup, ("city", "year"), totals["city"]),
    ):
        changed = sorted((key, counts) for key, counts in deltas.items() if any(counts.values()))
        if not changed:
            continue
        model.objects.bulk_create(
            [model(**dict(zip(key_fields, key, strict=True))) for key, _counts in changed], ignore_conflicts=True
        )
        # Locked in key order first (concurrent writers queue instead of deadlocking), then one
        # UPDATE ... SET n = n + delta for all of them (F() increments, in SQL).
        lock = {f"{name}__in": {key[i] for key, _counts in changed} for i, name in enumerate(key_fields)}
        list(model.objects.select_for_update().filter(**lock).order_by(*key_fields).values_list("pk"))
        update_rows(
            model,
            keys=key_fields,
            fields=model.COUNTS,
            rows=[(*key, *(counts[name] for name in model.COUNTS)) for key, counts in changed],
            increment=True,
        )


def _as_values(status: StaffYearStatus) -> tuple:
    return tuple(getattr(status, c) for c in COLUMNS)


def refresh_staff(pairs: Iterable[tuple[int, int]]) -> int:
    """Recompute the report place of these (person, year) pairs and move the rollups by the
    difference, inside the caller's transaction. Returns how many people changed."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for person, year in pairs:
        by_year[year].add(person)
    if not by_year:
        return 0
    policies = {p.year: p for p in YearPolicy.objects.filter(year__in=by_year)}
    totals = {"employer": defaultdict(Counter), "city": defaultdict(Counter)}
    changed_count = 0
    with transaction.atomic():
        for year in sorted(by_year):
            policy = policies.get(year)
            if policy is None:
                continue
            requirements = requirements_of_year(year=year) if policy.mandatory_binding else None
            people = sorted(by_year[year])
            for start in range(0, len(people), CHUNK):
                changed_count += _refresh_chunk(policy, people[start : start + CHUNK], requirements, totals)
        _apply(totals)
    return changed_count


def _locked_statuses(year: int, people: list[int]) -> dict[int, tuple]:
    """{person: (status id, *COLUMNS)}, rows locked in person order (created first if missing)."""

    def lock(ids):
        rows = StaffYearStatus.objects.select_for_update().filter(year=year, professional_id__in=ids)
        return {row[1]: row for row in rows.order_by("professional_id").values_list("id", *COLUMNS)}

    statuses = lock(people)
    missing = [p for p in people if p not in statuses]
    if missing:
        StaffYearStatus.objects.bulk_create(
            [StaffYearStatus(professional_id=p, year=year) for p in missing], ignore_conflicts=True
        )
        statuses.update(lock(missing))
    return statuses


def _refresh_chunk(policy: YearPolicy, people: list[int], requirements, totals: dict) -> int:
    year = policy.year
    statuses = _locked_statuses(year, people)
    # Read after the locks: a writer that held them has committed, so its records are seen.
    current = {row[0]: row[:-1] for row in _status_rows(policy=policy, people=people, requirements=requirements)}
    changed = []
    for person in people:
        status_id, *before = statuses[person]
        before = tuple(before)
        after = current.get(person, (person, None, "", False, False, False, False))
        after = (after[0], after[1], after[2] or "", *(bool(f) for f in after[3:]))
        if before == after:
            continue
        _add(totals, year, before, -1)
        _add(totals, year, after, +1)
        changed.append((status_id, *after[1:]))
    update_rows(StaffYearStatus, keys=("id",), fields=COLUMNS[1:], rows=changed)
    return len(changed)


def refresh_records(records) -> int:
    return refresh_staff({(r.professional_id, r.year) for r in records})


def refresh_person(person_id: int) -> int:
    """Every year of a person with a policy (their employer changed)."""
    return refresh_staff((person_id, year) for year in YearPolicy.objects.values_list("year", flat=True))


def refresh_employers(*, organisation_ids, year: int) -> int:
    """The staff of these employers (a requirement binding them was set or removed)."""
    people = Membership.objects.active().filter(role=Role.PROFESSIONAL, organisation_id__in=organisation_ids)
    return refresh_staff((pid, year) for pid in people.values_list("user_id", flat=True))


def _policy_years(*, binding_only: bool = False) -> list[int]:
    policies = YearPolicy.objects.filter(mandatory_binding=True) if binding_only else YearPolicy.objects.all()
    return list(policies.values_list("year", flat=True))


def on_organisation_saving(sender, instance, **kwargs) -> None:
    before = sender.objects.filter(pk=instance.pk).values_list("city", flat=True).first() if instance.pk else None
    instance._rollup_city_before = before


def on_organisation_saved(sender, instance, created: bool, **kwargs) -> None:
    """An employer's city changed: its staff move between city rollups (and city requirements)."""
    if created or getattr(instance, "_rollup_city_before", instance.city) == instance.city:
        return
    staff = Membership.objects.active().filter(role=Role.PROFESSIONAL, organisation_id=instance.pk)
    people = list(staff.values_list("user_id", flat=True))
    refresh_staff((person, year) for person in people for year in _policy_years())


def on_course_saving(sender, instance, **kwargs) -> None:
    before = sender.objects.filter(pk=instance.pk).values_list("topic_id", flat=True).first() if instance.pk else None
    instance._rollup_topic_before = before


def on_course_saved(sender, instance, created: bool, **kwargs) -> None:
    """A course moved to another topic: where a binding topic requirement counts hours by topic,
    the people with records of that course may pass or fall short."""
    if created or getattr(instance, "_rollup_topic_before", instance.topic_id) == instance.topic_id:
        return
    years = _policy_years(binding_only=True)
    if not years:
        return
    pairs = HourRecord.objects.filter(course_id=instance.pk, year__in=years).values_list("professional_id", "year")
    refresh_staff(set(pairs))


def _delete_year(year: int | None) -> None:
    """Without signals (a status deleted one by one would also be subtracted)."""
    for model in (StaffYearStatus, EmployerYearRollup, CityYearRollup):
        rows = model.objects.all() if year is None else model.objects.filter(year=year)
        rows._raw_delete(rows.db)


@transaction.atomic
def rebuild_rollups(*, year: int | None = None) -> int:
    """Recompute statuses and rollups from scratch (set-based: INSERT ... SELECT, then GROUP BY).
    Years without a policy keep nothing. Returns the number of staff counted."""
    policies = YearPolicy.objects.all() if year is None else YearPolicy.objects.filter(year=year)
    _delete_year(year)
    table = StaffYearStatus._meta.db_table
    counted = 0
    with connection.cursor() as cursor:
        for policy in policies:
            sql, params = _status_rows(policy=policy).query.sql_with_params()
            columns = ", ".join(connection.ops.quote_name(StaffYearStatus._meta.get_field(c).column) for c in COLUMNS)
            # Table and column names from the model, values as parameters.
            cursor.execute(f"INSERT INTO {table} ({columns}, year) {sql}", params)
            counted += cursor.rowcount
    for model, group in ((EmployerYearRollup, "organisation_id"), (CityYearRollup, "city")):
        staff = StaffYearStatus.objects.filter(organisation__isnull=False)
        if year is not None:
            staff = staff.filter(year=year)
        if group == "city":
            staff = staff.exclude(city="")
        rows = staff.values(group, "year").annotate(**_count_annotations()).order_by()
        model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)
    return counted


def _count_annotations() -> dict:
    counts = {"staff": Count("id")}
    for name in FLAGS:
        counts[name] = Count("id", filter=Q(**{name: True}))
    return counts


def _leave(statuses) -> None:
    """Take these (locked) statuses out of the rollups; they then count nowhere."""
    totals = {"employer": defaultdict(Counter), "city": defaultdict(Counter)}
    for status in statuses:
        _add(totals, status.year, _as_values(status), -1)
        status.organisation_id, status.city = None, ""
        for name in FLAGS:
            setattr(status, name, False)
        status.save()
    _apply(totals)


def on_status_deleting(sender, instance: StaffYearStatus, **kwargs) -> None:
    """A person deleted with their statuses (cascade): take them out of the rollups first, from the
    row as stored (pre_delete runs before any row of the cascade is deleted)."""
    with transaction.atomic():
        _leave(StaffYearStatus.objects.select_for_update().filter(pk=instance.pk))


def on_membership_saved(sender, instance: Membership, **kwargs) -> None:
    if instance.role == Role.PROFESSIONAL:
        refresh_person(instance.user_id)


def on_membership_deleted(sender, instance: Membership, **kwargs) -> None:
    """A staff membership deleted (with its person, or in the admin): the person leaves the
    rollups of that employer. No status row is created here: the person may be on the way out."""
    if instance.role != Role.PROFESSIONAL:
        return
    with transaction.atomic():
        rows = StaffYearStatus.objects.select_for_update().filter(
            professional_id=instance.user_id, organisation_id=instance.organisation_id
        )
        _leave(rows.order_by("year"))


# What a person's place in the reports depends on; a change of notes or dates rebuilds nothing.
POLICY_FIELDS = ("year", "min_total", "min_public", "min_professional", "mandatory_binding")


def _policy_figures(policy) -> tuple | None:
    return None if policy is None else tuple(getattr(policy, f) for f in POLICY_FIELDS)


def on_policy_saving(sender, instance: YearPolicy, **kwargs) -> None:
    before = YearPolicy.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._rollup_figures_before = _policy_figures(before)


def on_policy_changed(sender, instance: YearPolicy, **kwargs) -> None:
    """A policy created or deleted, or its minimums or binding changed: rebuild that year (and the
    year it had, if the year itself changed)."""
    before = getattr(instance, "_rollup_figures_before", None)
    if kwargs.get("signal") is post_save and before == _policy_figures(instance):
        return
    for year in {instance.year, before[0] if before else instance.year}:
        rebuild_rollups(year=year)
