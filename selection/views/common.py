"""Helpers shared by the pages: error messages from services, scoped object access."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from accounts.selectors import has_role

from ..models import Campaign, Recommendation
from ..selectors import recommending_organisations
from ..services import access_assignments


def error_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def campaign_or_404(year: int) -> Campaign:
    return get_object_or_404(Campaign, year=year)


def recommendations_visible_to(user) -> QuerySet[Recommendation]:
    """Association admins see every recommendation; a unit its own; an expert those assigned."""
    qs = Recommendation.objects.select_related("course", "organisation", "campaign")
    if has_role(user, Role.ASSOCIATION_ADMIN):
        return qs
    # An expert reaches a course only through an assignment without a conflict of interest.
    assigned = [a.recommendation_id for a in access_assignments(expert=user)] if has_role(user, Role.EXPERT) else []
    return qs.filter(Q(organisation__in=recommending_organisations(user)) | Q(pk__in=assigned)).distinct()
