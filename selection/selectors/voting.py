"""The public vote: ballots, counts and anomaly statistics."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.selectors import has_role
from courses.models import Teacher
from portal.deadlines import in_window

from ..models import (
    Campaign,
    Phase,
    Recommendation,
    Score,
    Vote,
    VoterBallot,
)
from .recommendations import candidates


def candidates_with_votes(*, campaign: Campaign) -> QuerySet[Recommendation]:
    return candidates(campaign=campaign).annotate(vote_count=Count("votes"))


def vote_counts_visible(*, campaign: Campaign, user) -> bool:
    """Vote counts stay hidden from the public until voting closes."""
    return campaign.is_past(Phase.VOTING) or has_role(user, Role.ASSOCIATION_ADMIN)


def voter_interest(*, voter) -> dict:
    """What makes a voter interested in a recommended course, as annotations of a recommendation
    queryset (`services.check_voter_has_no_interest` says which one applies): the voter teaches the
    course (a confirmed account), works for its recommending unit (an active membership) or scored it."""
    return {
        "voter_teaches": Exists(Teacher.objects.filter(courses=OuterRef("course_id"), user=voter)),
        "voter_works_there": Exists(
            Membership.objects.filter(organisation=OuterRef("organisation_id"), user=voter, is_active=True)
        ),
        "voter_scored": Exists(
            Score.objects.filter(assignment__recommendation=OuterRef("pk"), assignment__expert=voter)
        ),
    }


def interested_ids(*, campaign: Campaign, voter) -> set[int]:
    """The candidates the voter may not vote for (see `voter_interest`), in one query."""
    return set(
        candidates(campaign=campaign)
        .annotate(**voter_interest(voter=voter))
        .filter(Q(voter_teaches=True) | Q(voter_works_there=True) | Q(voter_scored=True))
        .values_list("pk", flat=True)
    )


def voting_state(*, campaign: Campaign) -> str:
    """ "open" while votes are taken (the voting phase, inside its window); "ended" once the phase
    or the window is past; "not_started" before."""
    if campaign.is_past(Phase.VOTING):
        return "ended"
    if campaign.phase == Phase.VOTING:
        if in_window(start=campaign.voting_start, end=campaign.voting_end):
            return "open"
        if timezone.now() >= campaign.voting_start:
            return "ended"
    return "not_started"


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
