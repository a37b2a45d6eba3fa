"""Reads of the evaluation: querysets scoped to the user who asks, progress and statistics."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.selectors import has_role, organisation_ids_with_role

from .models import (
    Assignment,
    Campaign,
    Criterion,
    Phase,
    Recommendation,
    Result,
    ResultSnapshot,
    TeacherPoolEntry,
    Vote,
    VoterBallot,
)

# Roles that recommend on behalf of their unit.
RECOMMENDER_ROLES = (Role.BASE_ADMIN, Role.CITY_STAFF)


def recommendable_courses(*, organisation: Organisation, year: int) -> QuerySet:
    """The unit's published public online courses on its own active learning platform."""
    try:
        from courses.selectors import recommendable_courses as from_courses
    except ImportError:
        from_courses = None
    if from_courses is not None:
        return from_courses(organisation=organisation, year=year)
    from courses.models import Category, Course, Mode

    return Course.objects.filter(
        status=Course.Status.PUBLISHED,
        category=Category.PUBLIC,
        mode=Mode.ONLINE,
        platform__owner=organisation,
        platform__is_active=True,
        year_from__lte=year,
        year_to__gte=year,
    ).order_by("title", "id")


def recommending_organisations(user) -> QuerySet[Organisation]:
    """The units this user may recommend for (as CE base admin or city bureau staff)."""
    ids = [i for role in RECOMMENDER_ROLES for i in organisation_ids_with_role(user, role)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def campaign_for_year(year: int) -> Campaign | None:
    return Campaign.objects.filter(year=year).first()


def current_campaign() -> Campaign | None:
    """The campaign of the current year, or the latest one."""
    year = timezone.localdate().year
    return Campaign.objects.filter(year=year).first() or Campaign.objects.order_by("-year").first()


def criteria_of(campaign: Campaign) -> list[Criterion]:
    return list(campaign.criteria.all())


def recommendations_of_unit(*, user, campaign: Campaign) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(campaign=campaign, organisation__in=recommending_organisations(user))
        .select_related("course", "organisation", "pledge")
        .order_by("id")
    )


def candidates(*, campaign: Campaign) -> QuerySet[Recommendation]:
    """Submitted recommendations: the courses under review and open to voting."""
    return (
        Recommendation.objects.filter(campaign=campaign, status=Recommendation.Status.SUBMITTED)
        .select_related("course", "organisation", "course__platform")
        .order_by("organisation__name", "id")
    )


def candidates_with_votes(*, campaign: Campaign) -> QuerySet[Recommendation]:
    return candidates(campaign=campaign).annotate(vote_count=Count("votes"))


def vote_counts_visible(*, campaign: Campaign, user) -> bool:
    """Vote counts stay hidden from the public until voting closes."""
    return campaign.is_past(Phase.VOTING) or has_role(user, Role.ASSOCIATION_ADMIN)


def assignments_of_expert(*, expert, campaign: Campaign | None = None) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(expert=expert).select_related(
        "recommendation__course", "recommendation__organisation", "recommendation__campaign", "score"
    )
    if campaign is not None:
        qs = qs.filter(recommendation__campaign=campaign)
    return qs.order_by("recommendation__campaign__year", "recommendation_id")


def my_voted_ids(*, campaign: Campaign, voter) -> set[int]:
    return set(Vote.objects.filter(campaign=campaign, voter=voter).values_list("recommendation_id", flat=True))


def remaining_votes(*, campaign: Campaign, voter) -> int:
    used = VoterBallot.objects.filter(campaign=campaign, voter=voter).values_list("used", flat=True).first() or 0
    return max(0, campaign.votes_per_voter - used)


def scoring_progress(*, campaign: Campaign) -> QuerySet[Recommendation]:
    """Each candidate with its number of assigned experts and of submitted scores."""
    return candidates(campaign=campaign).annotate(
        assigned=Count("assignments", distinct=True),
        scored=Count("assignments__score", distinct=True),
    )


def latest_snapshot(*, campaign: Campaign) -> ResultSnapshot | None:
    return campaign.snapshots.order_by("-created_at", "-id").first()


def results_of(*, campaign: Campaign) -> QuerySet[Result]:
    snapshot = latest_snapshot(campaign=campaign)
    if snapshot is None:
        return Result.objects.none()
    return (
        snapshot.results.select_related("recommendation__course", "recommendation__organisation")
        .prefetch_related("recommendation__course__teachers")
        .order_by("rank")
    )


def published_results(*, campaign: Campaign) -> QuerySet[Result]:
    if not campaign.is_published:
        return Result.objects.none()
    return results_of(campaign=campaign)


def selected_count_by_unit(*, year: int) -> dict[int, int]:
    """Selected courses per recommending unit in a published year: the unit's bonus in the
    provincial CE base assessment and its priority for hosting provincial advanced seminars."""
    campaign = Campaign.objects.filter(year=year, phase=Phase.PUBLISHED).first()
    if campaign is None:
        return {}
    rows = (
        results_of(campaign=campaign)
        .filter(selected=True)
        .values("recommendation__organisation_id")
        .annotate(n=Count("id"))
    )
    return {r["recommendation__organisation_id"]: r["n"] for r in rows}


def selected_count_for_unit(*, organisation: Organisation, year: int) -> int:
    return selected_count_by_unit(year=year).get(organisation.pk, 0)


def selected_counts_for_unit(*, organisation: Organisation) -> list[tuple[int, int]]:
    """(year, selected courses) for every published year (one campaign a year, so few queries)."""
    years = Campaign.objects.filter(phase=Phase.PUBLISHED).order_by("-year").values_list("year", flat=True)
    return [(year, selected_count_for_unit(organisation=organisation, year=year)) for year in years]


def teacher_pool(*, search: str = "") -> QuerySet[TeacherPoolEntry]:
    qs = TeacherPoolEntry.objects.select_related("teacher", "campaign", "course")
    if search:
        qs = qs.filter(Q(teacher__name__icontains=search) | Q(course__title__icontains=search))
    return qs


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


def expert_deviations(*, campaign: Campaign) -> list[dict]:
    """Each expert's mean absolute deviation from the other experts on the same courses (out of
    100), flagged when above the campaign's outlier threshold so admins look before confirming."""
    from decimal import Decimal

    from .models import Score

    rows = list(
        Score.objects.filter(assignment__recommendation__campaign=campaign).values_list(
            "assignment__expert_id",
            "assignment__expert__name",
            "assignment__expert__username",
            "assignment__recommendation_id",
            "total",
        )
    )
    by_rec: dict[int, list[tuple[int, Decimal]]] = {}
    for expert_id, _name, _username, rec_id, total in rows:
        by_rec.setdefault(rec_id, []).append((expert_id, total))
    names = {r[0]: r[1] or r[2] for r in rows}
    deviations: dict[int, list[Decimal]] = {}
    for scores in by_rec.values():
        if len(scores) < 2:
            continue
        for expert_id, total in scores:
            others = [t for e, t in scores if e != expert_id]
            deviations.setdefault(expert_id, []).append(abs(total - sum(others) / len(others)))
    result = []
    for expert_id, values in deviations.items():
        mean = (sum(values) / len(values)).quantize(Decimal("0.01"))
        result.append(
            {
                "expert_id": expert_id,
                "name": names[expert_id],
                "courses": len(values),
                "mean_deviation": mean,
                "outlier": mean > campaign.outlier_threshold,
            }
        )
    return sorted(result, key=lambda r: -r["mean_deviation"])


def other_scores_visible(*, campaign: Campaign) -> bool:
    """Experts do not see each other's scores until the review phase has ended."""
    return campaign.is_past(Phase.REVIEW)


# --- what units send to the association (attachments 3 and 4) --------------------------


def submitted_recommendations_of(*, organisation: Organisation, year: int) -> QuerySet[Recommendation]:
    """What a unit sends to the association for a year: its submitted recommendations (the rows
    of attachment 3, one attachment 4 each), with course, campaign and pledge."""
    return (
        Recommendation.objects.filter(
            organisation=organisation, campaign__year=year, status=Recommendation.Status.SUBMITTED
        )
        .select_related("course", "organisation", "campaign", "pledge")
        .order_by("id")
    )


def recommending_unit_ids(*, year: int) -> QuerySet:
    """Units that recommended in a year (at least one submitted course), as a subquery of ids:
    "参加优质在线公需课评选的单位请填写……（见附件3）……（见附件4）"."""
    return Recommendation.objects.filter(campaign__year=year, status=Recommendation.Status.SUBMITTED).values(
        "organisation_id"
    )


def recommending_years(*, organisation_ids: list[int]) -> list[int]:
    """The years in which any of these units recommended (at least one submitted course)."""
    rows = Recommendation.objects.filter(organisation_id__in=organisation_ids, status=Recommendation.Status.SUBMITTED)
    return sorted(set(rows.values_list("campaign__year", flat=True)))
