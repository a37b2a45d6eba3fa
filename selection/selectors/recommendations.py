"""What units may recommend and have recommended; the candidates."""

from django.db.models import Q, QuerySet

from accounts.models import Organisation, Role
from accounts.selectors import has_role, organisation_ids_with_role
from courses.selectors import recommendable_courses as courses_recommendable

from ..models import (
    Campaign,
    Recommendation,
)

# Roles that recommend on behalf of their unit.
RECOMMENDER_ROLES = (Role.BASE_ADMIN, Role.CITY_STAFF)


def recommendable_courses(*, organisation: Organisation, year: int) -> QuerySet:
    """The unit's published public online courses on its own active learning platform."""
    return courses_recommendable(organisation=organisation, year=year)


def recommending_organisations(user) -> QuerySet[Organisation]:
    """The units this user may recommend for (as CE base admin or city bureau staff)."""
    ids = [i for role in RECOMMENDER_ROLES for i in organisation_ids_with_role(user, role)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def recommendations_of_units_of(user) -> QuerySet[Recommendation]:
    """Every recommendation (any year) of the units this user recommends for."""
    return Recommendation.objects.filter(organisation__in=recommending_organisations(user)).select_related(
        "campaign", "course", "organisation"
    )


def recommendations_visible_to(user) -> QuerySet[Recommendation]:
    """THE scope of recommendation pages: association admins see every recommendation; a unit its
    own; an expert those assigned to them without a conflict of interest."""
    # access_assignments applies the conflict rule and releases what it now forbids (a write), so
    # it is a service; services import these selectors at module level.
    from ..services.conflicts import access_assignments  # noqa: PLC0415 -- services import selectors at module level (cycle)

    qs = Recommendation.objects.select_related("course", "organisation", "campaign")
    if has_role(user, Role.ASSOCIATION_ADMIN):
        return qs
    assigned = [a.recommendation_id for a in access_assignments(expert=user)] if has_role(user, Role.EXPERT) else []
    return qs.filter(Q(organisation__in=recommending_organisations(user)) | Q(pk__in=assigned)).distinct()


def recommendation_files_visible_to(user) -> QuerySet[Recommendation]:
    """Recommendations whose scans (pledge, licence) the user may download: the unit's own, or any
    for association admins. The scans name the unit, so experts (blind review) never get them."""
    if has_role(user, Role.ASSOCIATION_ADMIN):
        return Recommendation.objects.all()
    return recommendations_of_units_of(user)


def recommendations_of_unit(*, user, campaigns: list[Campaign]) -> QuerySet[Recommendation]:
    """The recommendations of the user's units to these campaigns (one query for the unit page)."""
    return (
        Recommendation.objects.filter(campaign__in=campaigns, organisation__in=recommending_organisations(user))
        .select_related("course", "organisation", "pledge")
        .order_by("id")
    )


def candidates(*, campaign: Campaign) -> QuerySet[Recommendation]:
    """Submitted recommendations: the courses under review and open to voting."""
    return (
        Recommendation.objects.filter(campaign=campaign, status=Recommendation.Status.SUBMITTED)
        .select_related("course", "organisation", "course__platform")
        .order_by("organisation__name", "id")
    )


def submitted_recommendations_of(*, organisation: Organisation, year: int) -> QuerySet[Recommendation]:
    """What a unit sends to the association for a year: its submitted recommendations (the rows
    of attachment 3, one attachment 4 each), with course, campaign and pledge."""
    return (
        Recommendation.objects.filter(
            organisation=organisation, campaign__year=year, status=Recommendation.Status.SUBMITTED
        )
        .select_related("course", "organisation", "campaign", "pledge")
        .order_by("id")
    )


def recommending_unit_ids(*, year: int) -> QuerySet:
    """Units that recommended in a year (at least one submitted course), as a subquery of ids:
    "参加优质在线公需课评选的单位请填写……（见附件3）……（见附件4）"."""
    return Recommendation.objects.filter(campaign__year=year, status=Recommendation.Status.SUBMITTED).values(
        "organisation_id"
    )


def recommending_years(*, organisation_ids: list[int]) -> list[int]:
    """The years in which any of these units recommended (at least one submitted course)."""
    rows = Recommendation.objects.filter(organisation_id__in=organisation_ids, status=Recommendation.Status.SUBMITTED)
    return sorted(set(rows.values_list("campaign__year", flat=True)))

