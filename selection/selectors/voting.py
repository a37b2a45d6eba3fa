"""The public vote: ballots, counts and anomaly statistics."""

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour

from accounts.models import Role
from accounts.selectors import has_role

from ..models import (
    Campaign,
    Phase,
    Recommendation,
    Vote,
    VoterBallot,
)
from .recommendations import candidates


def candidates_with_votes(*, campaign: Campaign) -> QuerySet[Recommendation]:
    return candidates(campaign=campaign).annotate(vote_count=Count("votes"))


def vote_counts_visible(*, campaign: Campaign, user) -> bool:
    """Vote counts stay hidden from the public until voting closes."""
    return campaign.is_past(Phase.VOTING) or has_role(user, Role.ASSOCIATION_ADMIN)


def my_voted_ids(*, campaign: Campaign, voter) -> set[int]:
    return set(Vote.objects.filter(campaign=campaign, voter=voter).values_list("recommendation_id", flat=True))


def remaining_votes(*, campaign: Campaign, voter) -> int:
    used = VoterBallot.objects.filter(campaign=campaign, voter=voter).values_list("used", flat=True).first() or 0
    return max(0, campaign.votes_per_voter - used)


def votes_per_hour(*, campaign: Campaign) -> list[dict]:
    return list(
        Vote.objects.filter(campaign=campaign)
        .annotate(hour=TruncHour("created_at"))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by("hour")
    )


def employer_bursts(*, campaign: Campaign) -> list[dict]:
    """Hours in which staff of one employer cast at least the campaign's anomaly threshold of votes."""
    return list(
        Vote.objects.filter(campaign=campaign, employer__isnull=False)
        .annotate(hour=TruncHour("created_at"))
        .values("hour", "employer_id", "employer__name")
        .annotate(n=Count("id"))
        .filter(n__gte=campaign.anomaly_votes_per_hour)
        .order_by("-n", "hour")
    )

