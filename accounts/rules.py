"""Named permission predicates shared by every app (django-rules).

Apps combine these in their own rules.py; views use portal.permissions.RulesRequiredMixin and the
API uses portal.api.permissions.RulesPermission, both asking `user.has_perm(name, obj)`.
"""

import rules

from .models import Membership, Organisation, Role
from .selectors import has_role, organisation_ids_with_role, roles_of


def _role_predicate(role: str, name: str):
    @rules.predicate(name=name)
    def predicate(user) -> bool:
        return has_role(user, role)

    return predicate


is_professional = _role_predicate(Role.PROFESSIONAL, "is_professional")
is_employer_admin = _role_predicate(Role.EMPLOYER_ADMIN, "is_employer_admin")
is_city_staff = _role_predicate(Role.CITY_STAFF, "is_city_staff")
is_provincial_staff = _role_predicate(Role.PROVINCE_STAFF, "is_provincial_staff")
is_department_staff = _role_predicate(Role.DEPARTMENT_STAFF, "is_department_staff")
is_base_admin = _role_predicate(Role.BASE_ADMIN, "is_base_admin")
is_association_admin = _role_predicate(Role.ASSOCIATION_ADMIN, "is_association_admin")
is_expert = _role_predicate(Role.EXPERT, "is_expert")

# Units that administer something of their own (courses, platforms, materials).
ADMIN_ROLES = (
    Role.EMPLOYER_ADMIN,
    Role.CITY_STAFF,
    Role.PROVINCE_STAFF,
    Role.DEPARTMENT_STAFF,
    Role.BASE_ADMIN,
    Role.ASSOCIATION_ADMIN,
)


@rules.predicate
def is_admin_of_organisation(user, organisation: Organisation | None) -> bool:
    """The user holds an administrative role in this very organisation."""
    if organisation is None:
        return False
    return any(g.organisation_id == organisation.pk and g.role in ADMIN_ROLES for g in roles_of(user))


@rules.predicate
def is_city_staff_over(user, organisation: Organisation | None) -> bool:
    """The user works at the city bureau of the city this organisation is in."""
    if organisation is None or not organisation.city:
        return False
    return any(g.role == Role.CITY_STAFF and g.organisation_city == organisation.city for g in roles_of(user))


@rules.predicate
def is_employer_admin_of(user, professional) -> bool:
    """The user administers the employer that this professional is on the staff of."""
    if professional is None:
        return False
    employer_ids = organisation_ids_with_role(user, Role.EMPLOYER_ADMIN)
    if not employer_ids:
        return False
    return (
        Membership.objects.active()
        .filter(user=professional, role=Role.PROFESSIONAL, organisation_id__in=employer_ids)
        .exists()
    )


@rules.predicate
def is_self(user, other) -> bool:
    return other is not None and getattr(other, "pk", None) == user.pk


@rules.predicate
def is_bureau_staff_over_professional(user, professional) -> bool:
    """Provincial staff see everyone; city staff see professionals of employers in their city."""
    if professional is None:
        return False
    if has_role(user, Role.PROVINCE_STAFF):
        return True
    cities = [g.organisation_city for g in roles_of(user) if g.role == Role.CITY_STAFF]
    if not cities:
        return False
    return (
        Membership.objects.active()
        .filter(user=professional, role=Role.PROFESSIONAL, organisation__city__in=cities)
        .exists()
    )


# Who may see a professional's personal record: the person, their employer's admins, and the
# bureaus over them.
rules.add_perm("accounts.view_professional", is_self | is_employer_admin_of | is_bureau_staff_over_professional)

# Pages and endpoints about the user themselves (profile, own token, dashboard): any signed-in user.
rules.add_perm("accounts.signed_in", rules.is_authenticated)

# The log of settings changes that decide outcomes (year policy, evaluation settings): the staff who
# oversee them. Which events each sees: accounts.selectors.setting_changes_visible_to.
rules.add_perm("accounts.view_setting_changes", is_provincial_staff | is_association_admin)
