"""The campaign of a year and its rubric."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from portal.deadlines import earliest_open_deadline

from ..models import Campaign, Criterion, Objection, Phase


def campaign_for_year(year: int) -> Campaign | None:
    return Campaign.objects.filter(year=year).first()


def current_campaign() -> Campaign | None:
    """The campaign of the current year, or the latest one."""
    year = timezone.localdate().year
    return Campaign.objects.filter(year=year).first() or Campaign.objects.order_by("-year").first()


def open_for_recommendation() -> Q:
    """`Campaign.is_recommendation_open` as a filter: in the 单位推荐 phase and before the
    recommendation deadline (its whole last second counts, `portal.deadlines.is_open`)."""
    return Q(phase=Phase.RECOMMENDATION, recommendation_deadline__gte=earliest_open_deadline())


def campaigns_for_recommending_unit() -> list[Campaign]:
    """What a recommending unit's page shows: every campaign open for recommendations, whatever
    its year (next year's campaign, created in December, included), then the current year's
    campaign if it is not among them (to follow its recommendations), else the latest one."""
    year = timezone.localdate().year
    shown = list(Campaign.objects.filter(open_for_recommendation() | Q(year=year)).order_by("year"))
    if not shown:
        latest = Campaign.objects.order_by("-year").first()
        shown = [latest] if latest else []
    return sorted(shown, key=lambda c: (not c.is_recommendation_open, c.year))


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

