"""Mandatory learning set by departments and cities: “省级行业主管部门、设区的市人力资源社会保障部门有专门
要求的，专业技术人员须按要求学习。” Which requirements apply to whom, and who has met them."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Organisation, Role, User
from accounts.selectors import employer_of, roles_of
from courses.models import Course
from courses.selectors import search_courses

from ..models import HourRecord, Requirement

ZERO = Decimal("0.0")


def requirements_for_employer(*, employer: Organisation | None, year: int) -> list[Requirement]:
    """A city bureau's requirements of the year bind every employer in its city; a department's
    bind the employers of its sector that it listed."""
    if employer is None:
        return []
    scope = Q(organisation__kind=Organisation.Kind.INDUSTRY_DEPARTMENT, employers=employer)
    if employer.city:
        scope |= Q(organisation__kind=Organisation.Kind.CITY_BUREAU, organisation__city=employer.city)
    return list(
        Requirement.objects.filter(scope, year=year)
        .select_related("organisation", "course", "topic")
        .distinct()
        .order_by("organisation__kind", "organisation_id", "id")
    )


def requirements_of_year(*, year: int) -> list[Requirement]:
    return list(
        Requirement.objects.filter(year=year)
        .select_related("organisation", "course", "topic")
        .prefetch_related("employers")
        .order_by("organisation__kind", "organisation_id", "id")
    )


def requirements_set_by(*, organisation_ids, year: int | None = None) -> QuerySet[Requirement]:
    rows = Requirement.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation", "course", "topic"
    )
    if year is not None:
        rows = rows.filter(year=year)
    return rows.prefetch_related("employers").order_by("-year", "id")


def _counted(year: int, user_ref: str):
    """Approved lines of the person's year (corrections included, so a reversed course nets to zero)."""
    return HourRecord.objects.approved().filter(professional_id=OuterRef(user_ref), year=year)


def annotate_requirements(queryset: QuerySet, *, requirements, year: int, user_ref: str) -> tuple[QuerySet, dict]:
    """Annotate rows reaching a person through `user_ref` with whether they met each requirement;
    returns the queryset and {requirement id: Q that is true when met}."""
    met = {}
    for req in requirements:
        name = f"requirement_{req.pk}"
        if req.kind == Requirement.Kind.COURSE:
            done = _counted(year, user_ref).filter(course_id=req.course_id, reversal__isnull=True)
            done = done.exclude(source=HourRecord.Source.CORRECTION)
            queryset = queryset.annotate(**{name: Exists(done)})
            met[req.pk] = Q(**{name: True})
        else:
            # By the topic's name, as the catalogue filters: a course offered over several years
            # keeps the topic row of the year it was made ("医养健康" of 2024 counts in 2026).
            total = (
                _counted(year, user_ref)
                .filter(course__topic__name=req.topic.name)
                .values("professional_id")
                .annotate(s=Sum("hours"))
                .values("s")
            )
            hours = Coalesce(Subquery(total), Value(ZERO), output_field=DecimalField(max_digits=7, decimal_places=1))
            queryset = queryset.annotate(**{name: hours})
            met[req.pk] = Q(**{f"{name}__gte": req.min_hours})
    return queryset, met


def requirements_met_condition(*, requirements, met: dict, employer_path: str = "organisation") -> Q:
    """Rows (memberships annotated by `annotate_requirements`) that met every requirement binding
    their employer: the SQL side of `selectors.compliance_with`."""
    condition = Q()
    for requirement in requirements:
        condition &= ~requirement_scope(requirement, employer_path=employer_path) | met[requirement.pk]
    return condition


def sector_employers(department: Organisation) -> QuerySet[Organisation]:
    """The employers of a department's sector (本行业单位): the active employers of its industry
    (`Organisation.sector`); a department with no sector set has none."""
    if not department.sector:
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER, sector=department.sector, is_active=True)


# The picker lists this many matches; a longer list asks for a more precise search.
COURSE_MATCHES = 20


def requirable_courses(*, year: int) -> QuerySet[Course]:
    """The courses a requirement of the year may name: published and offered in that year."""
    return Course.objects.published().offered_in(year)


def requirable_course_matches(*, year: int, text: str) -> list[Course]:
    """The picker's choices: requirable courses whose title, description, provider or teacher
    matches the text (`courses.selectors.search_courses`), or whose number (课程编号) it is."""
    text = text.strip()
    if not text:
        return []
    courses = requirable_courses(year=year)
    matches = search_courses(courses, text)
    if text.isdigit():
        matches = matches | courses.filter(pk=int(text))
    return list(matches.select_related("provider").order_by("title", "id")[: COURSE_MATCHES + 1])


def requirement_scope(requirement: Requirement, *, employer_path: str) -> Q:
    """Rows (memberships) whose employer the requirement binds."""
    if requirement.organisation.kind == Organisation.Kind.CITY_BUREAU:
        return Q(**{f"{employer_path}__city": requirement.organisation.city})
    return Q(**{f"{employer_path}_id__in": [e.pk for e in requirement.employers.all()]})


@dataclass(frozen=True)
class RequirementLine:
    requirement: Requirement
    met: bool
    done: Decimal | None = None

    @property
    def set_by(self) -> str:
        return self.requirement.organisation.name


def _employer_of(user) -> Organisation | None:
    """`employer_of` from the roles the permission check already read (no query) when the person
    holds one professional role in an active organisation; the query otherwise."""
    grants = [g for g in roles_of(user) if g.role == Role.PROFESSIONAL]
    if len(grants) == 1:
        grant = grants[0]
        return Organisation(
            pk=grant.organisation_id,
            name=grant.organisation_name,
            kind=grant.organisation_kind,
            city=grant.organisation_city,
        )
    return employer_of(user)


def requirement_lines(*, user, year: int) -> list[RequirementLine]:
    """The professional's page: each requirement that binds them, met or not (separate from 90/30/60)."""
    requirements = requirements_for_employer(employer=_employer_of(user), year=year)
    if not requirements:
        return []
    rows, _met = annotate_requirements(
        User.objects.filter(pk=user.pk), requirements=requirements, year=year, user_ref="pk"
    )
    return row_requirement_lines(rows.get(), requirements)


def row_requirement_lines(row, requirements) -> list[RequirementLine]:
    """Lines for one annotated roster row (see `annotate_requirements`)."""
    lines = []
    for req in requirements:
        value = getattr(row, f"requirement_{req.pk}")
        if req.kind == Requirement.Kind.COURSE:
            lines.append(RequirementLine(requirement=req, met=bool(value)))
        else:
            lines.append(RequirementLine(requirement=req, met=value >= req.min_hours, done=value))
    return lines


@dataclass(frozen=True)
class RequirementRate:
    requirement: Requirement
    staff: int
    met: int


def requirement_rates(*, memberships: QuerySet, year: int, requirements) -> list[RequirementRate]:
    """Reports: per requirement, staff it binds among `memberships` and how many met it (one query)."""
    if not requirements:
        return []
    rows, met = annotate_requirements(memberships, requirements=requirements, year=year, user_ref="user_id")
    aggregates = {}
    for req in requirements:
        scope = requirement_scope(req, employer_path="organisation")
        aggregates[f"staff_{req.pk}"] = Count("id", filter=scope)
        aggregates[f"met_{req.pk}"] = Count("id", filter=scope & met[req.pk])
    counts = rows.aggregate(**aggregates)
    return [
        RequirementRate(requirement=r, staff=counts[f"staff_{r.pk}"], met=counts[f"met_{r.pk}"]) for r in requirements
    ]
