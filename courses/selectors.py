"""Reads of the catalogue that views, the API and other apps (credits, selection, documents) call."""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import Ceil, RowNumber
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.selectors import has_role, roles_of
from portal import cache_versions

from .models import (
    Category,
    Course,
    LearningPlatform,
    Mode,
    StudyGuide,
    StudyGuideSection,
    Teacher,
    Topic,
    WorkPlan,
    WorkPlanTraining,
)

# Roles whose unit provides courses and runs platforms: CE bases, city bureaus, industry departments.
PROVIDER_ROLES = (Role.BASE_ADMIN, Role.CITY_STAFF, Role.DEPARTMENT_STAFF)
# The order of catalogue listings (page, API, gap suggestions use their own); backed by an index.
CATALOGUE_ORDER = ("category", "title", "id")
# What a catalogue page shows of a course (courses/_catalogue.html), its relations included.
CATALOGUE_COLUMNS = (
    "title",
    "category",
    "hours",
    "mode",
    "year_from",
    "year_to",
    "topic__name",
    "sector__name",
    "provider__name",
    "provider__short_name",
)
PROVIDER_KINDS = (
    Organisation.Kind.CE_BASE,
    Organisation.Kind.CITY_BUREAU,
    Organisation.Kind.INDUSTRY_DEPARTMENT,
)


def provider_organisation_ids(user) -> list[int]:
    """The units in which the user may manage courses and platforms."""
    return sorted(
        {
            g.organisation_id
            for g in roles_of(user)
            if g.role in PROVIDER_ROLES and g.organisation_kind in PROVIDER_KINDS
        }
    )


def department_ids(user) -> list[int]:
    return sorted({g.organisation_id for g in roles_of(user) if g.role == Role.DEPARTMENT_STAFF})


def base_ids(user) -> list[int]:
    return sorted({g.organisation_id for g in roles_of(user) if g.role == Role.BASE_ADMIN})


def managing_unit_ids(user) -> list[int]:
    """Units whose staff may decide the work plans of the CE bases they manage (base.parent)."""
    return sorted({g.organisation_id for g in roles_of(user) if g.role in (Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF)})


def with_relations(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """Everything a catalogue row shows, in a fixed number of queries (one join + one prefetch)."""
    return queryset.select_related("topic", "sector", "provider", "platform").prefetch_related(
        Prefetch("teachers", queryset=Teacher.objects.select_related("current_unit").order_by("name", "id"))
    )


def catalogue(*, year: int | None = None) -> QuerySet[Course]:
    """The public catalogue: published courses (optionally those offered in `year`)."""
    queryset = Course.objects.published()
    if year is not None:
        queryset = queryset.offered_in(year)
    return with_relations(queryset)


class CatalogueListing:
    """The catalogue's rows for the paginator (`portal.pages.paginate`), whatever its size.

    The count is read once per filter set and catalogue version (portal.cache_versions). A page is one query
    whose inner part picks the page's ids in catalogue order from the narrow, ordered
    `course_catalogue_order` index (filters applied there), so only the page's rows are joined to
    their topic, sector and provider, and only the columns the page shows are read."""

    def __init__(self, queryset: QuerySet[Course], *, filters: tuple):
        self.queryset = queryset.order_by(*CATALOGUE_ORDER)
        self.filters = filters

    def count(self) -> int:
        return cache_versions.cached(
            "catalogue-count", self.filters, self.queryset.count, versions=(cache_versions.CATALOGUE,)
        )

    def __getitem__(self, item: slice) -> list[Course]:
        page_ids = self.queryset.values("pk")[item]
        return list(catalogue_rows().filter(pk__in=page_ids).order_by(*CATALOGUE_ORDER))


def catalogue_rows() -> QuerySet[Course]:
    """The columns a catalogue row shows, with its topic, sector, provider and teachers' names."""
    return (
        Course.objects.select_related("topic", "sector", "provider")
        .only(*CATALOGUE_COLUMNS)
        .prefetch_related(Prefetch("teachers", queryset=Teacher.objects.only("name").order_by("name", "id")))
    )


def search_courses(queryset: QuerySet[Course], text: str) -> QuerySet[Course]:
    """Text search over title, description, provider and teacher names (no duplicate rows).

    The matching ids are one uncorrelated UNION, computed once, never a lookup per course: titles and
    descriptions through their trigram indexes on PostgreSQL (migration 0008; Chinese text included,
    three characters or more), the courses of matching providers (among the units that may provide
    courses), and those of matching teachers."""
    text = text.strip()
    if not text:
        return queryset
    courses = Course.objects.order_by()
    described = courses.filter(Q(title__icontains=text) | Q(description__icontains=text)).values_list("pk")
    providers = Organisation.objects.filter(
        Q(name__icontains=text) | Q(short_name__icontains=text), kind__in=PROVIDER_KINDS
    ).values("pk")
    provided = courses.filter(provider_id__in=providers).values_list("pk")
    taught = Course.teachers.through.objects.filter(teacher__name__icontains=text).order_by().values_list("course_id")
    return queryset.filter(pk__in=described.union(provided, taught))


def courses_managed_by(user) -> QuerySet[Course]:
    """Courses of the units the user manages courses for, any status."""
    return with_relations(Course.objects.filter(provider_id__in=provider_organisation_ids(user)))


def course_visible_to(user) -> QuerySet[Course]:
    """Published courses, plus any course of the user's own units (drafts included)."""
    own = provider_organisation_ids(user) if getattr(user, "is_authenticated", False) else []
    return with_relations(Course.objects.filter(Q(status=Course.Status.PUBLISHED) | Q(provider_id__in=own)))


def course_belongs_to(*, course: Course, organisation: Organisation) -> bool:
    """The course is the organisation's own: it provides it, or the course is on a platform it owns.

    Credits uses this to refuse a platform recording hours for a course that is not its own.
    """
    if course.provider_id == organisation.pk:
        return True
    if course.platform_id is None:
        return False
    if Course.platform.is_cached(course):
        return course.platform.owner_id == organisation.pk
    return LearningPlatform.objects.filter(pk=course.platform_id, owner_id=organisation.pk).exists()


def recommendable_courses(*, organisation: Organisation, year: int) -> QuerySet[Course]:
    """Public courses already online on the organisation's own learning platform (notice 三、（一）:
    “在我省国家级、省级专业技术人员继续教育基地和各市人社局继续教育学习平台已上线的公需课程均可推荐参评”).

    A unit with no platform gets an empty list (“未建继续教育学习平台的单位可不推荐”).
    """
    return with_relations(
        Course.objects.published()
        .offered_in(year)
        .filter(
            category=Category.PUBLIC,
            mode=Mode.ONLINE,
            platform__owner=organisation,
            platform__is_active=True,
        )
    )


def courses_for_gap(
    *, year: int, public_hours: Decimal, professional_hours: Decimal, sector_ids, exclude_ids
) -> QuerySet[Course]:
    """Candidates to fill a professional's gap in one query: published courses offered in `year`
    (offline ones not yet over), public ones when public hours are missing, professional ones of
    the person's sectors when professional hours are; none of `exclude_ids`.

    Per category and length at most as many courses as it takes to cover the missing hours with
    that length alone: a plan never needs more, and a large catalogue is not read whole."""
    wanted = Q(pk__in=[])
    if public_hours > 0:
        wanted |= Q(category=Category.PUBLIC)
    if professional_hours > 0 and sector_ids:
        wanted |= Q(category=Category.PROFESSIONAL, sector_id__in=list(sector_ids))
    target = Case(
        When(category=Category.PUBLIC, then=Value(public_hours)),
        default=Value(professional_hours),
        output_field=DecimalField(max_digits=6, decimal_places=1),
    )
    # The ranking reads narrow rows in `course_gap_order` order (an index-only scan on PostgreSQL);
    # only the chosen courses are then read whole, with their provider.
    chosen = (
        Course.objects.published()
        .offered_in(year)
        .filter(wanted)
        .exclude(pk__in=list(exclude_ids))
        .exclude(mode=Mode.OFFLINE, end_date__lt=timezone.localdate())
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("category"), F("hours")], order_by=[F("title"), F("id")]),
            needed=Ceil(target / F("hours")),
        )
        .filter(rank__lte=F("needed"))
        .values("pk")
    )
    queryset = Course.objects.filter(pk__in=chosen).select_related("provider")
    return queryset.order_by("category", "hours", "title", "id")


def courses_of_guide(*, guide: StudyGuide) -> QuerySet[Course]:
    """Published professional courses that follow this guide: same sector, offered in its year."""
    return catalogue(year=guide.year).filter(category=Category.PROFESSIONAL, sector_id=guide.department_id)


def guides_for_course(*, course: Course) -> list[StudyGuide]:
    """The published guides a professional course follows (one per offered year at most)."""
    if course.category != Category.PROFESSIONAL or course.sector_id is None:
        return []
    return list(
        StudyGuide.objects.filter(
            department_id=course.sector_id,
            status=StudyGuide.Status.PUBLISHED,
            year__gte=course.year_from,
            year__lte=course.year_to,
        ).order_by("-year")
    )


def published_guides(*, year: int | None = None) -> QuerySet[StudyGuide]:
    queryset = StudyGuide.objects.filter(status=StudyGuide.Status.PUBLISHED).select_related("department")
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset.order_by("-year", "department__name")


def guides_managed_by(user) -> QuerySet[StudyGuide]:
    return StudyGuide.objects.filter(department_id__in=department_ids(user)).select_related("department")


def guide_sections_managed_by(user) -> QuerySet[StudyGuideSection]:
    """Sections of the study guides the user's departments write."""
    return StudyGuideSection.objects.filter(guide__in=guides_managed_by(user)).select_related(
        "guide", "guide__department"
    )


def guide_visible_to(user) -> QuerySet[StudyGuide]:
    own = department_ids(user) if getattr(user, "is_authenticated", False) else []
    return StudyGuide.objects.filter(Q(status=StudyGuide.Status.PUBLISHED) | Q(department_id__in=own)).select_related(
        "department"
    )


def section_tree(*, guide: StudyGuide) -> list[dict]:
    """The learning-content headings as a nested list [{"section", "children": [...]}], one query."""
    sections = list(StudyGuideSection.objects.filter(guide=guide).order_by("level", "order", "id"))
    nodes = {s.pk: {"section": s, "children": []} for s in sections}
    roots = []
    for s in sections:
        node = nodes[s.pk]
        if s.parent_id and s.parent_id in nodes:
            nodes[s.parent_id]["children"].append(node)
        else:
            roots.append(node)
    return roots


def platforms_managed_by(user) -> QuerySet[LearningPlatform]:
    return LearningPlatform.objects.filter(owner_id__in=provider_organisation_ids(user)).select_related("owner")


def teachers_managed_by(user) -> QuerySet[Teacher]:
    return Teacher.objects.filter(organisation_id__in=provider_organisation_ids(user)).select_related(
        "organisation", "user", "current_unit"
    )


def teacher_links_proposed_to(user) -> QuerySet[Teacher]:
    """Teacher records a provider proposed for this person's ID number, not yet answered."""
    if not user.id_number:
        return Teacher.objects.none()
    return (
        Teacher.objects.filter(id_number=user.id_number, user__isnull=True, link_declined_at__isnull=True)
        .select_related("organisation", "current_unit")
        .order_by("id")
    )


def teacher_links_of(user) -> QuerySet[Teacher]:
    """Teacher records this person confirmed as theirs."""
    return Teacher.objects.filter(user=user).select_related("organisation", "current_unit").order_by("id")


def active_platforms() -> QuerySet[LearningPlatform]:
    return LearningPlatform.objects.filter(is_active=True, owner__is_active=True).select_related("owner")


def has_approved_work_plan(*, base: Organisation, year: int) -> bool:
    return WorkPlan.objects.filter(base=base, year=year, status=WorkPlan.Status.APPROVED).exists()


def approved_trainings(*, base_id: int, training_ids) -> dict[int, WorkPlanTraining]:
    """Trainings of this base's approved work plans, by id: the offline trainings it may credit."""
    rows = WorkPlanTraining.objects.filter(
        pk__in=training_ids, plan__base_id=base_id, plan__status=WorkPlan.Status.APPROVED
    ).select_related("plan")
    return {t.pk: t for t in rows}


def work_plans_of_bases(user) -> QuerySet[WorkPlan]:
    return (
        WorkPlan.objects.filter(base_id__in=base_ids(user))
        .select_related("base", "decided_by")
        .prefetch_related("trainings")
    )


def work_plans_to_decide(user) -> QuerySet[WorkPlan]:
    """Plans of the CE bases managed by the user's units (a base's managing unit is its parent)."""
    return WorkPlan.objects.filter(base__parent_id__in=managing_unit_ids(user)).select_related(
        "base", "decided_by", "submitted_by"
    )


def work_plans_visible_to(user) -> QuerySet[WorkPlan]:
    """Plans the user may open: their bases' own and those their units decide."""
    return (work_plans_of_bases(user) | work_plans_to_decide(user)).distinct()


def topics_for_year(*, year: int) -> QuerySet[Topic]:
    return Topic.objects.filter(year=year).order_by("order", "id")


def topic_years() -> list[int]:
    return list(Topic.objects.order_by("-year").values_list("year", flat=True).distinct())


def exportable_courses(user) -> QuerySet[Course]:
    """The catalogue export's rows: every course for provincial staff; for city staff the published
    catalogue plus their own bureau's courses of any status (other units' drafts are not theirs)."""
    if has_role(user, Role.PROVINCE_STAFF):
        return with_relations(Course.objects.all())
    return course_visible_to(user)


def may_export_catalogue(user) -> bool:
    return has_role(user, Role.PROVINCE_STAFF) or has_role(user, Role.CITY_STAFF)
