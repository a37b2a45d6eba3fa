"""What the public reads: once sealed (at confirmation), only the snapshot; before that (the
proposed list during 公示), the latest ranking with live course data."""

from django.db.models import F

from ..models import Campaign, Phase, ResultSnapshot, TeachingCredit
from .results import results_of


def sealed_snapshot(*, campaign: Campaign) -> ResultSnapshot | None:
    """The snapshot in force: the highest sealed version (1 at confirmation, then corrections)."""
    return campaign.snapshots.filter(version__isnull=False).order_by("-version").first()


def corrections_of(*, campaign: Campaign) -> list[ResultSnapshot]:
    """更正记录: every sealed version after the first, newest first."""
    return list(
        campaign.snapshots.filter(version__gt=1).order_by("-version").only("version", "reason", "changes", "created_at")
    )


def _sealed_rows(snapshot: ResultSnapshot) -> list[dict]:
    courses = {c["recommendation"]: c for c in snapshot.inputs["sealed"]["courses"]}
    rows = []
    for r in snapshot.results.order_by(F("rank").asc(nulls_last=True), "recommendation_id").values(
        "rank", "recommendation_id", "expert_score", "votes", "combined_score", "selected", "tied_at_line"
    ):
        course = courses[r["recommendation_id"]]
        rows.append(
            {
                **r,
                "recommendation": r["recommendation_id"],
                "course": {"id": course["course"], "title": course["title"], "hours": course["hours"]},
                "organisation": course["organisation"]["name"],
                "teachers": [t["name"] for t in course["teachers"]],
            }
        )
    return rows


def _live_rows(campaign: Campaign) -> list[dict]:
    return [
        {
            "rank": r.rank,
            "recommendation": r.recommendation_id,
            "course": {
                "id": r.recommendation.course_id,
                "title": r.recommendation.course.title,
                "hours": f"{r.recommendation.course.hours:.1f}",
            },
            "organisation": r.recommendation.organisation.name,
            "teachers": [t.name for t in r.recommendation.course.teachers.all()],
            "expert_score": r.expert_score,
            "votes": r.votes,
            "combined_score": r.combined_score,
            "selected": r.selected,
            "tied_at_line": r.tied_at_line,
        }
        for r in results_of(campaign=campaign)
    ]


def public_results_view(*, campaign: Campaign) -> dict | None:
    """The results page and API: None before the public notice (公示); the proposed list during it
    (live, not final); from confirmation on the sealed snapshot only, whatever changed since, with
    the correction records. A campaign confirmed before sealing existed reads the latest ranking."""
    from ..services.ranking import published_rules  # noqa: PLC0415 (services import selectors)

    if not campaign.results_public:
        return None
    snapshot = sealed_snapshot(campaign=campaign) if campaign.is_past(Phase.OBJECTION) else None
    if snapshot is not None:
        return {
            "final": campaign.is_published,
            "title": snapshot.inputs["sealed"]["title"],
            "sealed": snapshot,
            "rules": snapshot.inputs["sealed"]["rules"],
            "expert_weight": snapshot.inputs["expert_weight"],
            "vote_weight": snapshot.inputs["vote_weight"],
            "rows": _sealed_rows(snapshot),
            "corrections": corrections_of(campaign=campaign),
        }
    rows = _live_rows(campaign)
    return {
        "final": campaign.is_published,
        "title": campaign.title,
        "sealed": None,
        "rules": published_rules(campaign),
        "expert_weight": str(campaign.expert_weight),
        "vote_weight": str(campaign.vote_weight),
        "rows": rows,
        "corrections": [],
    }


def teaching_credits_of(*, campaign: Campaign) -> list[TeachingCredit]:
    """Every teaching credit of the campaign (given, pending for a closed year, reversed), for the
    association and the city bureaus: a pending one needs a bureau's correction to count."""
    return list(
        TeachingCredit.objects.filter(campaign=campaign).select_related(
            "person", "recommendation__course", "actor", "decided_by"
        )
    )


def pending_teaching_credits_for(user):
    """Credits of a closed year waiting for a bureau correction: all of them for the association
    and the provincial bureau, the persons of their city for city bureau staff (the city of the
    person's current employer, else of their most recent one: `credits.selectors.people_correctable_by`),
    nothing for anyone else."""
    from accounts.models import Role  # noqa: PLC0415 (only this read needs roles)
    from accounts.selectors import has_role  # noqa: PLC0415
    from credits.selectors import people_correctable_by  # noqa: PLC0415

    qs = TeachingCredit.objects.filter(status=TeachingCredit.Status.PENDING).select_related(
        "person", "campaign", "recommendation__course"
    )
    if has_role(user, Role.ASSOCIATION_ADMIN):
        return qs
    return qs.filter(person__in=people_correctable_by(user).values("pk"))
