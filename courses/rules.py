"""Named permissions of the catalogue (django-rules). Object checks: the unit is the user's own."""

import rules

from accounts.models import Role
from accounts.rules import is_base_admin, is_city_staff, is_department_staff, is_provincial_staff
from accounts.selectors import roles_of

from .selectors import PROVIDER_ROLES


def _holds_role_in(user, organisation_id, roles) -> bool:
    return organisation_id is not None and any(
        g.organisation_id == organisation_id and g.role in roles for g in roles_of(user)
    )


@rules.predicate
def is_course_provider(user, course) -> bool:
    return course is not None and _holds_role_in(user, course.provider_id, PROVIDER_ROLES)


@rules.predicate
def is_platform_owner(user, platform) -> bool:
    return platform is not None and _holds_role_in(user, platform.owner_id, PROVIDER_ROLES)


@rules.predicate
def is_guide_department(user, guide) -> bool:
    return guide is not None and _holds_role_in(user, guide.department_id, (Role.DEPARTMENT_STAFF,))


@rules.predicate
def is_plan_base(user, plan) -> bool:
    return plan is not None and _holds_role_in(user, plan.base_id, (Role.BASE_ADMIN,))


@rules.predicate
def is_plan_managing_unit(user, plan) -> bool:
    """The base's managing unit (base.parent) decides its plan."""
    return plan is not None and _holds_role_in(user, plan.base.parent_id, (Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF))


is_provider = is_base_admin | is_city_staff | is_department_staff

rules.add_perm("courses.manage_courses", is_provider)
rules.add_perm("courses.change_course", is_course_provider)
rules.add_perm("courses.manage_platforms", is_provider)
rules.add_perm("courses.change_platform", is_platform_owner)
rules.add_perm("courses.manage_guides", is_department_staff)
rules.add_perm("courses.change_guide", is_guide_department)
rules.add_perm("courses.manage_work_plans", is_base_admin)
rules.add_perm("courses.change_work_plan", is_plan_base)
rules.add_perm("courses.decide_work_plans", is_department_staff | is_provincial_staff)
rules.add_perm("courses.decide_work_plan", is_plan_managing_unit)
rules.add_perm("courses.manage_topics", is_provincial_staff)
rules.add_perm("courses.export_catalogue", is_provincial_staff | is_city_staff)
