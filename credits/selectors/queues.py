"""Where a record is decided: one place per pending record, and what a city bureau may audit."""

from django.db.models import Q, QuerySet

from accounts.models import Membership, Role
from accounts.selectors import cities_of_city_staff, has_role, organisation_ids_with_role

from ..models import HourRecord
from .corrections import correction_city


def _employed():
    return Membership.objects.active().filter(role=Role.PROFESSIONAL)


def _employed_where_an_admin_decides():
    """Staff of an employer that has an active administrator: only there can the employer decide."""
    with_admin = Membership.objects.active().filter(role=Role.EMPLOYER_ADMIN).values("organisation_id")
    return _employed().filter(organisation_id__in=with_admin)


def _with_decision_city(records: QuerySet[HourRecord], *, shown: bool = False) -> QuerySet[HourRecord]:
    """The city whose bureau decides or corrects when the employer does not: the city of the
    person's current employer; with none, of their most recent employer ("" = no city)."""
    decision_city = correction_city(person="professional_id")
    # An alias filters without adding the subqueries to the listed columns; `shown` for the service.
    return records.annotate(decision_city=decision_city) if shown else records.alias(decision_city=decision_city)


def records_decidable_by(user, *, pending_only: bool = True) -> QuerySet[HourRecord]:
    """Pending records this user decides; every pending record has exactly one such place.

    A record follows its owner, not whoever registered it: the admins of the person's current
    employer decide it (so after a change of employer the new one decides and the old one no
    longer sees it). The city bureau decides instead when nobody at the employer can: a person
    with no employer any more (the city of their most recent employer), a person whose employer has
    no administrator, and a self-report past the year policy's self-report threshold
    (`bureau_review`; "超过阈值的个人申报学时由市人社局审核"); both in the city of the current
    employer. Where that employer had no city, the provincial bureau decides.
    Used by the approval page, the API and `credits.services.decisions` alike."""
    employer_ids = organisation_ids_with_role(user, Role.EMPLOYER_ADMIN)
    cities = cities_of_city_staff(user)
    province = has_role(user, Role.PROVINCE_STAFF)
    records = HourRecord.objects.all()
    scope = Q(pk__in=[])
    if employer_ids:
        staff = _employed().filter(organisation_id__in=employer_ids).values("user_id")
        scope |= Q(professional__in=staff, bureau_review=False)
    if cities or province:
        records = _with_decision_city(records)
        to_bureau = Q(bureau_review=True) | ~Q(professional__in=_employed_where_an_admin_decides().values("user_id"))
        if cities:
            scope |= to_bureau & Q(decision_city__in=cities)
        if province:
            scope |= to_bureau & Q(decision_city="")
    records = records.filter(scope)
    if pending_only:
        records = records.filter(status=HourRecord.Status.PENDING)
    return records.select_related("professional", "conversion_rule", "recorded_by", "course", "training").order_by(
        "created_at", "id"
    )


def auditable_records(*, city: str | None, year: int | None = None) -> QuerySet[HourRecord]:
    """Approved, unreversed, non-correction records a bureau may correct: for a city, of people
    employed there and of people without a current employer whose most recent employer was there;
    every record for the province (`city=None`)."""
    records = HourRecord.objects.all()
    if city is not None:
        records = _with_decision_city(records).filter(decision_city=city)
    return _correctable(records, year=year)


def records_correctable_by(user) -> QuerySet[HourRecord]:
    """Whose records `services.decisions.reverse_record` may correct (any status; the service
    checks it): the province every record; a city bureau its city's, as `auditable_records`.
    Each record is annotated with `decision_city`."""
    records = _with_decision_city(HourRecord.objects.all(), shown=True)
    if has_role(user, Role.PROVINCE_STAFF):
        return records
    return records.filter(decision_city__in=cities_of_city_staff(user))


def _correctable(records: QuerySet[HourRecord], *, year: int | None) -> QuerySet[HourRecord]:
    qs = (
        records.filter(status=HourRecord.Status.APPROVED)
        .exclude(source=HourRecord.Source.CORRECTION)
        .filter(reversal__isnull=True)
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
