"""The professional's page: what is missing per category, what waits for approval, and a plan of
courses that fills the gap (“专业技术人员应按规定参加继续教育……两类学时须分别达到要求”).

`hours_gaps` is arithmetic on figures the page already has (no query); `plan_for` reads the
person's sector, its study guide and the catalogue in at most three queries, whatever the size
of the catalogue or of the person's ledger.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from accounts.models import Membership, Organisation, Role
from courses.models import Category, Course, StudyGuide
from courses.selectors import courses_for_gap
from portal import cache_versions

from ..models import HourRecord, Requirement, YearPolicy
from .compliance import ZERO, Compliance, compliance_for, policy_for, records_for
from .requirements import RequirementLine, requirement_lines

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Gap:
    """One category's figures: required, approved, pending approval, still missing."""

    category: str
    required: Decimal
    approved: Decimal
    pending: Decimal

    @property
    def label(self) -> str:
        return Category(self.category).label

    @property
    def missing(self) -> Decimal:
        """Missing on approved hours only: what the ledger counts today."""
        return max(ZERO, self.required - self.approved)

    @property
    def to_plan(self) -> Decimal:
        """Missing once the pending hours are approved: what new learning must cover."""
        return max(ZERO, self.missing - self.pending)


@dataclass(frozen=True)
class HoursGaps:
    public: Gap
    professional: Gap
    # Hours of either category needed beyond both minimums (a policy whose total exceeds their sum).
    extra: Decimal
    pending_total: Decimal

    @property
    def missing(self) -> Decimal:
        """At least this many approved hours are still needed: never less than the categories' sum
        (a surplus of one category never makes up for the other)."""
        return self.public.missing + self.professional.missing + self.extra

    @property
    def rows(self) -> tuple[Gap, Gap]:
        return (self.public, self.professional)

    @property
    def nothing_missing(self) -> bool:
        return self.missing == ZERO


def _pending_by_category(records) -> dict[str, Decimal]:
    pending = {Category.PUBLIC.value: ZERO, Category.PROFESSIONAL.value: ZERO}
    for record in records:
        if record.status == HourRecord.Status.PENDING:
            pending[record.category] = pending.get(record.category, ZERO) + record.hours
    return pending


def hours_gaps(*, compliance: Compliance, records) -> HoursGaps:
    """Per category: required, approved, pending (self-reports and registrations waiting for the
    employer), missing. `records` is the person's ledger of the year (`records_for`)."""
    pending = _pending_by_category(records)
    public = Gap(
        category=Category.PUBLIC,
        required=compliance.required.public,
        approved=compliance.public,
        pending=pending[Category.PUBLIC],
    )
    professional = Gap(
        category=Category.PROFESSIONAL,
        required=compliance.required.professional,
        approved=compliance.professional,
        pending=pending[Category.PROFESSIONAL],
    )
    extra = max(ZERO, compliance.missing.total - public.missing - professional.missing)
    return HoursGaps(public=public, professional=professional, extra=extra, pending_total=sum(pending.values(), ZERO))


@dataclass(frozen=True)
class Pick:
    """Courses of one category whose hours add up to at least `target`, if the catalogue allows."""

    target: Decimal
    courses: list[Course] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((c.hours for c in self.courses), ZERO)

    @property
    def enough(self) -> bool:
        return self.hours >= self.target

    @property
    def short(self) -> Decimal:
        """What the catalogue cannot cover (to be made up by offline training or other hours)."""
        return max(ZERO, self.target - self.hours)


def closest_fit(*, courses, target: Decimal) -> list[Course]:
    """The courses whose hours add up to at least `target` with the smallest total, and among
    those the fewest courses; every course when even all of them fall short.

    A subset-sum over tenths of an hour. Sums are bounded: the best total is below
    `target + the longest useful course`, and no course longer than the shortest single course
    that covers the target on its own can improve on that course."""
    if target <= ZERO:
        return []
    courses = sorted(courses, key=lambda c: (c.hours, c.title, c.pk))
    if sum((c.hours for c in courses), ZERO) < target:
        return courses
    covering = [c for c in courses if c.hours >= target]
    if covering:
        courses = [c for c in courses if c.hours <= covering[0].hours]
    goal = int(target / TENTH)
    cap = goal + max(int(c.hours / TENTH) for c in courses)
    # best[s]: the fewest course indices whose hours sum to exactly s tenths.
    best: dict[int, tuple[int, ...]] = {0: ()}
    for index, course in enumerate(courses):
        step = int(course.hours / TENTH)
        for total, chosen in sorted(best.items(), reverse=True):
            reached = total + step
            if reached > cap:
                continue
            if reached not in best or len(best[reached]) > len(chosen) + 1:
                best[reached] = (*chosen, index)
    total = min(s for s in best if s >= goal)
    return [courses[i] for i in best[total]]


@dataclass(frozen=True)
class Plan:
    public: Pick
    professional: Pick
    sectors: list[Organisation]
    guides: list[StudyGuide]
    requirements: list[RequirementLine]


def sectors_of(*, user):
    """The industry departments of the person's sector: those that listed the person's employer
    in a requirement, and those whose professional courses the person has studied."""
    employer_ids = Membership.objects.active().filter(user=user, role=Role.PROFESSIONAL).values("organisation_id")
    listed = Requirement.objects.filter(employers__in=employer_ids).values("organisation_id")
    studied = HourRecord.objects.filter(
        professional=user, course__category=Category.PROFESSIONAL, course__sector__isnull=False
    ).values("course__sector_id")
    return Organisation.objects.filter(kind=Organisation.Kind.INDUSTRY_DEPARTMENT).filter(
        Q(pk__in=listed) | Q(pk__in=studied)
    )


def plan_for(*, user, year: int, gaps: HoursGaps, records, requirement_lines) -> Plan | None:
    """Courses that fill the year's gap: public courses adding up to the public hours still to
    plan; professional courses of the person's sector (its study guide's courses of the year)
    adding up to the professional hours (and any extra the total needs); the sector's published
    guide; the required learning not yet met. None when nothing is missing.

    Courses already credited or pending for the person this year are never suggested."""
    unmet = [line for line in requirement_lines if not line.met]
    public_target = gaps.public.to_plan
    # Pending hours beyond their own category's shortfall still count towards the total's extra.
    spare_pending = gaps.pending_total - sum((g.missing - g.to_plan for g in gaps.rows), ZERO)
    professional_target = gaps.professional.to_plan + max(ZERO, gaps.extra - spare_pending)
    if gaps.nothing_missing and not unmet:
        return None
    sectors = list(sectors_of(user=user).order_by("name"))  # query 1
    guides = []
    if sectors:
        guides = list(  # query 2
            StudyGuide.objects.filter(
                status=StudyGuide.Status.PUBLISHED, year=year, department__in=[s.pk for s in sectors]
            ).select_related("department")
        )
    taken = {
        r.course_id
        for r in records
        if r.course_id and r.status != HourRecord.Status.REJECTED and not r.is_reversed and r.reverses_id is None
    }
    candidates = []
    if public_target or (professional_target and sectors):
        candidates = list(  # query 3
            courses_for_gap(
                year=year,
                public_hours=public_target,
                professional_hours=professional_target,
                sector_ids=[s.pk for s in sectors],
                exclude_ids=taken,
            )
        )
    return Plan(
        public=Pick(
            target=public_target,
            courses=closest_fit(courses=[c for c in candidates if c.category == Category.PUBLIC], target=public_target),
        ),
        professional=Pick(
            target=professional_target,
            courses=closest_fit(
                courses=[c for c in candidates if c.category == Category.PROFESSIONAL], target=professional_target
            ),
        ),
        sectors=sectors,
        guides=guides,
        requirements=unmet,
    )


@dataclass(frozen=True)
class MyHours:
    """Everything 我的学时 and `/api/v1/me/hours/` show of a person's year."""

    policy: YearPolicy
    compliance: Compliance
    records: list[HourRecord]
    requirement_lines: list[RequirementLine]
    gaps: HoursGaps
    plan: Plan | None


def _my_hours(*, user, year: int) -> MyHours:
    policy = policy_for(year=year)
    lines = requirement_lines(user=user, year=year)
    compliance = compliance_for(user=user, year=year, lines=lines, policy=policy)
    records = list(records_for(user=user, year=year))
    gaps = hours_gaps(compliance=compliance, records=records)
    plan = plan_for(user=user, year=year, gaps=gaps, records=records, requirement_lines=lines)
    return MyHours(policy=policy, compliance=compliance, records=records, requirement_lines=lines, gaps=gaps, plan=plan)


def my_hours(*, user, year: int) -> MyHours:
    """A person's year, from the cache while nothing it shows has changed (portal.cache_versions: every
    write to the person's ledger or memberships, and every policy, requirement or catalogue
    change, bumps a version). Raises NoPolicyError for a year without a policy (never cached: a
    policy saved or deleted bumps the shared version)."""
    return cache_versions.cached(
        "my-hours",
        (user.pk, year),
        lambda: _my_hours(user=user, year=year),
        versions=cache_versions.for_person(user.pk),
    )
