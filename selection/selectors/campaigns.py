"""The campaign of a year and its rubric."""

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, User

from ..models import Campaign, Criterion, Objection, Phase


def campaign_for_year(year: int) -> Campaign | None:
    return Campaign.objects.filter(year=year).first()


def current_campaign() -> Campaign | None:
    """The campaign of the current year, or the latest one."""
    year = timezone.localdate().year
    return Campaign.objects.filter(year=year).first() or Campaign.objects.order_by("-year").first()


def campaigns() -> QuerySet[Campaign]:
    """Every campaign, newest first (campaigns are public: no scoping by user)."""
    return Campaign.objects.order_by("-year")


def voting_campaign() -> Campaign | None:
    """The campaign whose vote is open, else the current one (the voter's start page)."""
    return Campaign.objects.filter(phase=Phase.VOTING).order_by("-year").first() or current_campaign()


def objections_of(*, year: int) -> QuerySet[Objection]:
    return Objection.objects.filter(campaign__year=year).select_related("campaign")


def experts() -> QuerySet[User]:
    """Everyone holding an active expert role: who the association may assign."""
    return User.objects.filter(memberships__role=Role.EXPERT, memberships__is_active=True).distinct().order_by("id")


def criteria_of(campaign: Campaign) -> list[Criterion]:
    return list(campaign.criteria.all())

