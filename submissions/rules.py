"""Named permissions for materials (django-rules)."""

import rules

from accounts.rules import is_association_admin, is_base_admin, is_city_staff, is_department_staff, is_provincial_staff

from .selectors import is_reviewer_of


@rules.predicate
def reviews_call(user, call) -> bool:
    """Staff of the call's receiving organisation (the bureau, or the association for its calls)."""
    return is_reviewer_of(user, call)


is_unit_staff = is_department_staff | is_base_admin | is_city_staff
is_reviewer = is_provincial_staff | is_association_admin

rules.add_perm("submissions.send", is_unit_staff)
rules.add_perm("submissions.review", is_reviewer)
rules.add_perm("submissions.review_call", reviews_call)
rules.add_perm("submissions.create_call", is_provincial_staff)
rules.add_perm("submissions.view", is_unit_staff | is_reviewer)
