"""Reads of accounts data that other apps and views use."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import AuditEvent, Membership, Organisation, Role, User
from .validators import normalise_id_number


@dataclass(frozen=True)
class RoleGrant:
    role: str
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    organisation_city: str


def roles_of(user) -> tuple[RoleGrant, ...]:
    """The user's active roles, fetched once per user object (one query) and cached on it."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = tuple(
            RoleGrant(
                role=m.role,
                organisation_id=m.organisation_id,
                organisation_name=m.organisation.name,
                organisation_kind=m.organisation.kind,
                organisation_city=m.organisation.city,
            )
            for m in Membership.objects.active()
            .filter(user_id=user.pk, organisation__is_active=True)
            .select_related("organisation")
            .order_by("id")
        )
        user._portal_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after a membership change."""
    user.__dict__.pop("_portal_roles", None)


def has_role(user, role: str) -> bool:
    return any(g.role == role for g in roles_of(user))


def organisation_ids_with_role(user, role: str) -> list[int]:
    return [g.organisation_id for g in roles_of(user) if g.role == role]


def first_organisation_id(user, role: str) -> int | None:
    ids = organisation_ids_with_role(user, role)
    return ids[0] if ids else None


def cities_of_city_staff(user) -> list[str]:
    return [g.organisation_city for g in roles_of(user) if g.role == Role.CITY_STAFF]


def employer_of(user) -> Organisation | None:
    """The employer a professional is on the staff of (at most one is active)."""
    membership = (
        Membership.objects.active().filter(user=user, role=Role.PROFESSIONAL).select_related("organisation").first()
    )
    return membership.organisation if membership else None


def staff_of(organisation_id: int) -> QuerySet[User]:
    """The active professionals on an employer's staff."""
    return User.objects.filter(
        memberships__organisation_id=organisation_id,
        memberships__role=Role.PROFESSIONAL,
        memberships__is_active=True,
    )


def user_by_id_number(id_number: str) -> User | None:
    return User.objects.filter(id_number=normalise_id_number(id_number)).first()


# Settings changes that decide outcomes, by the role that oversees them: the provincial bureau
# sets the year policy, oversees the required learning departments and cities set, and entrusts
# the evaluation to the association (notice 2022, part 3).
_SELECTION_CHANGES = (
    AuditEvent.Type.CAMPAIGN_SETTINGS_CHANGED,
    AuditEvent.Type.RUBRIC_CHANGED,
    AuditEvent.Type.TIE_DECIDED,
)
SETTING_CHANGES_BY_ROLE = {
    Role.PROVINCE_STAFF: (
        AuditEvent.Type.YEAR_POLICY_CHANGED,
        AuditEvent.Type.REQUIREMENT_CHANGED,
        *_SELECTION_CHANGES,
    ),
    Role.ASSOCIATION_ADMIN: _SELECTION_CHANGES,
}


def setting_changes_visible_to(user) -> QuerySet[AuditEvent]:
    """The settings-change events this user oversees, newest first (none for other roles)."""
    types = {t for grant in roles_of(user) for t in SETTING_CHANGES_BY_ROLE.get(grant.role, ())}
    return AuditEvent.objects.filter(type__in=types).select_related("actor").order_by("-created_at", "-id")
