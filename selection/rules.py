"""Named permissions of the evaluation (django-rules)."""

import rules

from accounts.rules import (
    is_association_admin,
    is_base_admin,
    is_city_staff,
    is_expert,
    is_professional,
    is_provincial_staff,
)

from .models import Assignment


@rules.predicate
def is_assigned_expert(user, recommendation) -> bool:
    """The user is one of the experts assigned to review this recommended course."""
    if recommendation is None:
        return False
    return Assignment.objects.filter(recommendation=recommendation, expert_id=user.pk).exists()


is_recommender = is_base_admin | is_city_staff

rules.add_perm("selection.recommend", is_recommender)
rules.add_perm("selection.manage_campaign", is_association_admin)
rules.add_perm("selection.review", is_expert)
rules.add_perm("selection.vote", is_professional)
rules.add_perm("selection.view_test_password", is_association_admin | is_assigned_expert)
rules.add_perm("selection.file_objection", rules.is_authenticated)
# Who may open a recommendation's page at all; which one is decided by a queryset scoped to them.
# Teaching credits of a closed year waiting for a city bureau's correction (their own city's people).
rules.add_perm("selection.view_pending_teaching_credits", is_association_admin | is_city_staff | is_provincial_staff)
# Crediting or declining one is a bureau correction, like any other late hour (city: its people only).
rules.add_perm("selection.correct_teaching_credit", is_city_staff | is_provincial_staff)
rules.add_perm("selection.view_recommendation", is_association_admin | is_recommender | is_expert)
