"""Where a record is decided: one place per pending record, and what a city bureau may audit."""

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Membership, Role
from accounts.selectors import cities_of_city_staff, has_role, organisation_ids_with_role

from ..models import HourRecord


def _employed():
    return Membership.objects.active().filter(role=Role.PROFESSIONAL)


def records_decidable_by(user, *, pending_only: bool = True) -> QuerySet[HourRecord]:
    """Pending records this user decides; every pending record has exactly one such place.

    A record follows its owner, not whoever registered it: the admins of the person's current
    employer decide it (so after a change of employer the new one decides and the old one no
    longer sees it). A person with no employer any more is decided by the city bureau of the city
    of their most recent employer; if that employer had no city, by the provincial bureau.
    Used by the approval page, the API and `credits.services.decisions` alike."""
    employer_ids = organisation_ids_with_role(user, Role.EMPLOYER_ADMIN)
    cities = cities_of_city_staff(user)
    province = has_role(user, Role.PROVINCE_STAFF)
    records = HourRecord.objects.all()
    scope = Q(pk__in=[])
    if employer_ids:
        scope |= Q(professional__in=_employed().filter(organisation_id__in=employer_ids).values("user_id"))
    if cities or province:
        last_city = (
            Membership.objects.filter(user_id=OuterRef("professional_id"), role=Role.PROFESSIONAL)
            .order_by("-created_at", "-id")
            .values("organisation__city")[:1]
        )
        records = records.annotate(decision_city=Coalesce(Subquery(last_city), Value("")))
        no_employer = ~Q(professional__in=_employed().values("user_id"))
        if cities:
            scope |= no_employer & Q(decision_city__in=cities)
        if province:
            scope |= no_employer & Q(decision_city="")
    records = records.filter(scope)
    if pending_only:
        records = records.filter(status=HourRecord.Status.PENDING)
    return records.select_related("professional", "conversion_rule", "recorded_by", "course", "training").order_by(
        "created_at", "id"
    )


def auditable_records(*, city: str, year: int | None = None) -> QuerySet[HourRecord]:
    """Approved, unreversed, non-correction records of professionals employed in a city."""
    employed_here = _employed().filter(organisation__city=city)
    qs = (
        HourRecord.objects.approved()
        .exclude(source=HourRecord.Source.CORRECTION)
        .filter(reversal__isnull=True, professional__in=employed_here.values("user_id"))
        .select_related("professional", "recorded_by", "course")
        .order_by("-created_at", "-id")
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def records_visible_to(user) -> QuerySet[HourRecord]:
    """Records a user may open (a proof file): their own, their employer's staff, their city's, or
    all for the province; whoever decides a pending record (a new employer, the city bureau) too."""
    if has_role(user, Role.PROVINCE_STAFF):
        return HourRecord.objects.all()
    scope = Q(professional=user) | Q(recorded_by_id__in=organisation_ids_with_role(user, Role.EMPLOYER_ADMIN))
    scope |= Q(pk__in=records_decidable_by(user).values("pk"))
    cities = cities_of_city_staff(user)
    if cities:
        scope |= Q(professional__in=_employed().filter(organisation__city__in=cities).values("user_id"))
    return HourRecord.objects.filter(scope)
