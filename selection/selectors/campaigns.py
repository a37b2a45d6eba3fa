"""The campaign of a year and its rubric."""

from django.utils import timezone

from ..models import (
    Campaign,
    Criterion,
)


def campaign_for_year(year: int) -> Campaign | None:
    return Campaign.objects.filter(year=year).first()


def current_campaign() -> Campaign | None:
    """The campaign of the current year, or the latest one."""
    year = timezone.localdate().year
    return Campaign.objects.filter(year=year).first() or Campaign.objects.order_by("-year").first()


def criteria_of(campaign: Campaign) -> list[Criterion]:
    return list(campaign.criteria.all())

