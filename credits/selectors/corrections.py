"""Whose hours a bureau may correct: the city of the person's current employer, or, with none, of
their most recent employer (the same city that decides their pending records); the provincial
bureau corrects anyone."""

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Membership, Role, User
from accounts.selectors import cities_of_city_staff, has_role


def correction_city(*, person: str = "pk"):
    """The city whose bureau decides or corrects for the person at `person` (an outer reference):
    their current employer's, else their most recent employer's ("" = none). The one rule behind
    `people_correctable_by` and the record queues (`queues._with_decision_city`)."""
    current = (
        Membership.objects.active()
        .filter(user_id=OuterRef(person), role=Role.PROFESSIONAL)
        .order_by("-created_at", "-id")
        .values("organisation__city")[:1]
    )
    last = (
        Membership.objects.filter(user_id=OuterRef(person), role=Role.PROFESSIONAL)
        .order_by("-created_at", "-id")
        .values("organisation__city")[:1]
    )
    return Coalesce(Subquery(current), Subquery(last), Value(""))


def people_correctable_by(user) -> QuerySet[User]:
    """People whose year a bureau correction by this user may change: everyone for provincial
    staff, the people of their city for city bureau staff, nobody for anyone else."""
    if has_role(user, Role.PROVINCE_STAFF):
        return User.objects.all()
    cities = cities_of_city_staff(user)
    if not cities:
        return User.objects.none()
    return User.objects.alias(correction_city=correction_city()).filter(correction_city__in=cities)
