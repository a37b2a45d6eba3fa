"""Reads of the hour ledger: the yearly rule, compliance, rosters, reports and certificates."""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, FilteredRelation, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import City, Membership, Organisation, Role
from courses.models import Category

from ..models import (
    CityYearRollup,
    ConversionRule,
    EmployerYearRollup,
    HourRecord,
    HoursCertificate,
    YearPolicy,
    YearSummary,
)
from .requirements import (
    annotate_requirements,
    requirement_lines,
    requirements_for_employer,
    requirements_met_condition,
    requirements_of_year,
)

ZERO = Decimal("0.0")


class NoPolicyError(ValidationError):
    """The year has no hour policy: nothing can be counted against it."""


POLICY_TTL = 300
POLICY_YEARS_KEY = "credits:policy-years"


def _policy_key(year: int) -> str:
    return f"credits:year-policy:{year}"


def _cacheable() -> bool:
    """Only what is committed is cached: inside a transaction a policy may be unsaved or rolled back."""
    return not connection.in_atomic_block


def policy_for(*, year: int) -> YearPolicy:
    """The year's policy, from the shared cache when it is there (every page asks; a policy changes
    a few times a year: `forget_policies` runs on every save and delete, and again on commit)."""
    policy = cache.get(_policy_key(year))
    if policy is None:
        policy = YearPolicy.objects.filter(year=year).first()
        if policy is None:
            raise NoPolicyError(
                _("%(year)s年度的学时要求尚未由省人社厅设置，暂不能登记或统计该年度学时。") % {"year": year},
                code="no_policy",
            )
        if _cacheable():
            cache.set(_policy_key(year), policy, POLICY_TTL)
    return policy


def years_with_policy() -> list[int]:
    years = cache.get(POLICY_YEARS_KEY)
    if years is None:
        years = list(YearPolicy.objects.order_by("-year").values_list("year", flat=True))
        if _cacheable():
            cache.set(POLICY_YEARS_KEY, years, POLICY_TTL)
    return years


def forget_policies(sender=None, instance=None, **kwargs) -> None:
    """Drop cached policies (signal receiver for YearPolicy saves and deletes): now, and once the
    transaction commits, so no process keeps the figures read before the change."""
    keys = [POLICY_YEARS_KEY] + ([_policy_key(instance.year)] if instance is not None else [])
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_all_policies(**kwargs) -> None:
    """After migrate or flush (post_migrate): the database's policies may all have changed."""
    cache.delete_many([POLICY_YEARS_KEY, *(_policy_key(year) for year in range(2000, 2101))])


@dataclass(frozen=True)
class Figures:
    public: Decimal
    professional: Decimal
    total: Decimal


@dataclass(frozen=True)
class Compliance:
    year: int
    public: Decimal
    professional: Decimal
    total: Decimal
    required: Figures
    missing: Figures
    compliant: bool
    # False when the policy makes departments' and cities' requirements binding and one is unmet.
    requirements_met: bool = True


def annual_hours_requirement(*, policy: YearPolicy, public: Decimal, professional: Decimal) -> Compliance:
    """专业技术人员应按规定参加继续教育，每年累计应不少于90学时，其中公需课不少于30学时，专业课不少于60学时。

    The notice's hour rule. The figures (90/30/60 in 2022) come from the year's `YearPolicy`.
    Every minimum must be met on its own: extra public hours never make up for missing
    professional hours. `compliant_condition` below is this same rule for SQL filters.
    """
    public = public or ZERO
    professional = professional or ZERO
    total = public + professional
    missing = Figures(
        public=max(ZERO, policy.min_public - public),
        professional=max(ZERO, policy.min_professional - professional),
        total=max(ZERO, policy.min_total - total),
    )
    return Compliance(
        year=policy.year,
        public=public,
        professional=professional,
        total=total,
        required=Figures(public=policy.min_public, professional=policy.min_professional, total=policy.min_total),
        missing=missing,
        compliant=missing.public == ZERO and missing.professional == ZERO and missing.total == ZERO,
    )


def compliant_condition(policy: YearPolicy) -> Q:
    """`annual_hours_requirement` as a filter over rows annotated with `public_hours`,
    `professional_hours` and `total_hours` (tested to agree with it)."""
    return (
        Q(public_hours__gte=policy.min_public)
        & Q(professional_hours__gte=policy.min_professional)
        & Q(total_hours__gte=policy.min_total)
    )


def compliance_with(*, policy: YearPolicy, public: Decimal, professional: Decimal, lines) -> Compliance:
    """Compliance as every page, report, certificate and API answers it: the notice's hour rule
    (`annual_hours_requirement`) and, when the year's policy makes them binding, every department's
    and city's requirement the person is bound by (`lines`: their `RequirementLine`s): “有专门要求的，
    专业技术人员须按要求学习”. `compliance_condition` is the same rule for SQL filters."""
    compliance = annual_hours_requirement(policy=policy, public=public, professional=professional)
    if policy.mandatory_binding and not all(line.met for line in lines):
        compliance = replace(compliance, compliant=False, requirements_met=False)
    return compliance


def compliance_condition(*, policy: YearPolicy, requirements, met: dict) -> Q:
    """`compliance_with` as a filter over membership rows annotated by `_with_figures` and
    `annotate_requirements` (`met`: its conditions; tested to agree)."""
    condition = compliant_condition(policy)
    if policy.mandatory_binding:
        condition &= requirements_met_condition(requirements=requirements, met=met)
    return condition


def with_binding_requirements(rows: QuerySet, *, policy: YearPolicy, requirements=None) -> tuple[QuerySet, Q]:
    """Rows annotated for `compliance_condition` (the requirements of the year when binding, or
    those given), and that condition."""
    met: dict = {}
    if policy.mandatory_binding:
        requirements = requirements_of_year(year=policy.year) if requirements is None else requirements
        rows, met = annotate_requirements(rows, requirements=requirements, year=policy.year, user_ref="user_id")
    return rows, compliance_condition(policy=policy, requirements=requirements or [], met=met)


def compliance_for(*, user, year: int, lines=None, policy: YearPolicy | None = None) -> Compliance:
    """A professional's approved hours of a year against that year's policy. `lines` and `policy`:
    the person's `requirement_lines` and the year's policy when the caller already has them."""
    policy = policy or policy_for(year=year)
    summary = YearSummary.objects.filter(professional=user, year=year).first()
    if lines is None and policy.mandatory_binding:
        lines = requirement_lines(user=user, year=year)
    return compliance_with(
        policy=policy,
        public=summary.public_hours if summary else ZERO,
        professional=summary.professional_hours if summary else ZERO,
        lines=lines or [],
    )


def records_for(*, user, year: int) -> QuerySet[HourRecord]:
    """Every ledger line of a person's year, corrections included, newest first."""
    return (
        HourRecord.objects.filter(professional=user, year=year)
        .select_related("course", "recorded_by", "reverses", "reversal", "conversion_rule")
        .order_by("-completed_on", "-id")
    )


def conversion_rules_for(*, year: int) -> QuerySet[ConversionRule]:
    return ConversionRule.objects.filter(policy__year=year).select_related("policy")


def _with_figures(queryset: QuerySet, *, year: int, user_path: str) -> QuerySet:
    """Annotate rows reaching a professional through `user_path` with that year's summary figures."""
    summary = f"{user_path}__year_summaries"
    return queryset.annotate(
        year_summary=FilteredRelation(summary, condition=Q(**{f"{summary}__year": year})),
    ).annotate(
        public_hours=Coalesce(F("year_summary__public_hours"), Value(ZERO)),
        professional_hours=Coalesce(F("year_summary__professional_hours"), Value(ZERO)),
        total_hours=F("public_hours") + F("professional_hours"),
    )


def staff_memberships(*, organisation_ids) -> QuerySet[Membership]:
    return Membership.objects.active().filter(role=Role.PROFESSIONAL, organisation_id__in=organisation_ids)


def roster(
    *,
    organisation_id: int,
    year: int,
    compliant: bool | None = None,
    department: str = "",
    missing: str = "",
    search: str = "",
    requirements=None,
) -> QuerySet[Membership]:
    """An employer's active staff with the year's figures (one query; rows are memberships), and
    whether each met the requirements binding the employer (`requirement_<id>` annotations; pass
    `requirements` when the caller already has them)."""
    policy = policy_for(year=year)
    if requirements is None:
        employer = Organisation.objects.get(pk=organisation_id)
        requirements = requirements_for_employer(employer=employer, year=year)
    rows = _with_figures(staff_memberships(organisation_ids=[organisation_id]), year=year, user_path="user")
    rows, met = annotate_requirements(rows, requirements=requirements, year=year, user_ref="user_id")
    condition = compliance_condition(policy=policy, requirements=requirements, met=met)
    rows = rows.annotate(
        compliant=Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()),
    ).select_related("user")
    if compliant is not None:
        rows = rows.filter(compliant=compliant)
    if department:
        rows = rows.filter(department=department)
    if missing == Category.PUBLIC:
        rows = rows.filter(public_hours__lt=policy.min_public)
    elif missing == Category.PROFESSIONAL:
        rows = rows.filter(professional_hours__lt=policy.min_professional)
    if search:
        rows = rows.filter(Q(user__name__contains=search) | Q(user__id_number__endswith=search))
    return rows.order_by("department", "user__name", "id")


def departments_of(*, organisation_id: int) -> list[str]:
    # Distinct in the database: a few names cross the wire, not one row per staff member.
    return sorted(
        staff_memberships(organisation_ids=[organisation_id])
        .exclude(department="")
        .values_list("department", flat=True)
        .order_by()
        .distinct()
    )


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    staff: int
    compliant: int
    public_short: int
    professional_short: int

    @property
    def rate(self) -> Decimal:
        if not self.staff:
            return ZERO
        return (Decimal(self.compliant) * 100 / self.staff).quantize(Decimal("0.1"))


def _rates(*, year: int, memberships: QuerySet, group_by: str) -> list[dict]:
    policy = policy_for(year=year)
    rows, condition = with_binding_requirements(_with_figures(memberships, year=year, user_path="user"), policy=policy)
    return list(
        rows.values(group_by)
        .annotate(
            staff=Count("id"),
            compliant_count=Count("id", filter=condition),
            public_short=Count("id", filter=Q(public_hours__lt=policy.min_public)),
            professional_short=Count("id", filter=Q(professional_hours__lt=policy.min_professional)),
        )
        .order_by(group_by)
    )


def _rate_row(key: str, label: str, rollup) -> RateRow:
    return RateRow(
        key=key,
        label=label,
        staff=rollup.staff if rollup else 0,
        compliant=rollup.compliant if rollup else 0,
        public_short=rollup.public_short if rollup else 0,
        professional_short=rollup.professional_short if rollup else 0,
    )


def compliance_by_employer(*, city: str, year: int) -> list[RateRow]:
    """A city's employers with staff counts and how many of them are compliant, read from the
    per-employer rollups (credits.services.rollups): one row per employer, whatever their staff."""
    policy_for(year=year)
    employers = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER, city=city).order_by("name")
    rollups = {r.organisation_id: r for r in EmployerYearRollup.objects.filter(year=year, organisation__city=city)}
    return [_rate_row(str(org.pk), org.name, rollups.get(org.pk)) for org in employers]


def compliance_by_city(*, year: int) -> list[RateRow]:
    """Every city's staff count and compliant count for the year, read from the per-city rollups
    (one query over at most one row per city)."""
    policy_for(year=year)
    rollups = {r.city: r for r in CityYearRollup.objects.filter(year=year)}
    return [_rate_row(city.value, str(city.label), rollups.get(city.value)) for city in City]


def live_compliance_by_city(*, year: int) -> dict[str, dict]:
    """The province report computed over every membership (what the rollups must equal; used by
    the tests and the rebuild check, never by a page)."""
    memberships = staff_memberships(organisation_ids=Organisation.objects.exclude(city="").values("id"))
    rows = _rates(year=year, memberships=memberships, group_by="organisation__city")
    return {r["organisation__city"]: r for r in rows}


def live_compliance_by_employer(*, year: int) -> dict[int, dict]:
    memberships = staff_memberships(organisation_ids=Organisation.objects.values("id"))
    return {r["organisation_id"]: r for r in _rates(year=year, memberships=memberships, group_by="organisation_id")}


@dataclass(frozen=True)
class RosterSummary:
    """The counts above an employer's roster: staff, 达标, 未达标, staff with records 待审核
    (attributes as `selectors.people.RosterSummary`, so the roster template reads either)."""

    year: int
    staff: int
    compliant: int
    public_short: int
    professional_short: int
    # Staff with at least one record of the year waiting for a decision.
    pending: int

    @property
    def non_compliant(self) -> int:
        return self.staff - self.compliant

    not_compliant = non_compliant

    @property
    def rate(self) -> Decimal | None:
        """达标率 as a fraction (the `percent` filter shows it); None when there is nobody to count."""
        if not self.staff:
            return None
        return Decimal(self.compliant) / Decimal(self.staff)


def roster_summary(*, organisation, year: int) -> RosterSummary:
    """An employer's roster counts of the year from its rollup row (one query, any staff size).
    `organisation` is an Organisation or its id. Raises NoPolicyError like `roster`."""
    policy_for(year=year)
    organisation_id = getattr(organisation, "pk", organisation)
    rollup = EmployerYearRollup.objects.filter(organisation_id=organisation_id, year=year).first()
    return RosterSummary(
        year=year,
        **{name: getattr(rollup, name) if rollup else 0 for name in EmployerYearRollup.COUNTS},
    )


def ledger_sum(*, user, year: int) -> dict[str, Decimal]:
    """Approved hours per category straight from the ledger (the truth the summary must equal)."""
    rows = (
        HourRecord.objects.approved().filter(professional=user, year=year).values("category").annotate(s=Sum("hours"))
    )
    sums = {Category.PUBLIC.value: ZERO, Category.PROFESSIONAL.value: ZERO}
    for r in rows:
        sums[r["category"]] = r["s"]
    return sums


def current_certificate(*, user, year: int, compliance: Compliance) -> HoursCertificate | None:
    """The year's latest certificate if it still shows the approved figures of `compliance` and no
    change to the year superseded it since (a superseded one is never current, even if a later
    record brought the same figures back: a new one is issued)."""
    latest = (
        HoursCertificate.objects.filter(professional=user, year=year, superseded_at__isnull=True)
        .order_by("-issued_at", "-id")
        .first()
    )
    return latest if latest and shows_compliance(latest, compliance) else None


def shows_compliance(certificate: HoursCertificate, compliance: Compliance) -> bool:
    """Whether an unsuperseded certificate still shows the approved figures of `compliance` (the
    rule of `current_certificate`, for pages that read a person's certificates in one query)."""
    return (certificate.public_hours, certificate.professional_hours) == (compliance.public, compliance.professional)


def certificate_by_code(*, code: str) -> HoursCertificate | None:
    if not code or len(code) > 32:
        return None
    return HoursCertificate.objects.filter(code=code).first()
