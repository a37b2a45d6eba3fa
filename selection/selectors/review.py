"""Expert review: assignments, conflicts, anonymity, progress and deviations."""

from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.selectors import has_role
from courses.models import Course, Teacher

from ..models import (
    Assignment,
    Campaign,
    ConflictFlag,
    ConflictOfInterest,
    Phase,
    Recommendation,
    ReleasedAssignment,
    Score,
)
from .recommendations import candidates


def conflicts_by_recommendation(*, expert, recommendations) -> dict[int, list[str]]:
    """THE conflict-of-interest rule, for one expert and any number of recommended courses (four
    queries): the expert declared one; works or worked at the recommending unit; is a confirmed
    teacher of the course; works or worked where one of its teachers works or worked. Every read
    and write of an expert's work (lists, assignment page, score form and API, assignment) uses it."""
    recs = list(recommendations)
    found: dict[int, set[str]] = {rec.pk: set() for rec in recs}
    if not recs:
        return {}
    units: dict[int, bool] = {}
    # A teacher whose workplace is not registered has it as free text: matched on the unit's
    # registered name or short name, so an unregistered spelling of a known unit still counts.
    unit_names: dict[str, bool] = {}
    for org_id, active, name, short_name in Membership.objects.filter(user=expert).values_list(
        "organisation_id", "is_active", "organisation__name", "organisation__short_name"
    ):
        units[org_id] = units.get(org_id, False) or active
        for text in (name.strip(), short_name.strip()):
            if text:
                unit_names[text] = unit_names.get(text, False) or active
    for rec_id, type_ in ConflictOfInterest.objects.filter(
        expert=expert, recommendation_id__in=found, source=ConflictOfInterest.Source.DECLARED
    ).values_list("recommendation_id", "type"):
        found[rec_id].add(type_)
    by_course: dict[int, list[int]] = {}
    for rec in recs:
        by_course.setdefault(rec.course_id, []).append(rec.pk)
        if rec.organisation_id in units:
            active = units[rec.organisation_id]
            found[rec.pk].add(ConflictOfInterest.Type.SAME_UNIT if active else ConflictOfInterest.Type.FORMER_UNIT)
    through = Course.teachers.through
    teachers = list(
        through.objects.filter(course_id__in=by_course).values_list(
            "course_id", "teacher_id", "teacher__user_id", "teacher__current_unit_id", "teacher__unit"
        )
    )
    former: dict[int, set[int]] = {}
    for teacher_id, org_id in Teacher.former_units.through.objects.filter(
        teacher_id__in={t[1] for t in teachers}
    ).values_list("teacher_id", "organisation_id"):
        former.setdefault(teacher_id, set()).add(org_id)
    for course_id, teacher_id, user_id, unit_id, unit_text in teachers:
        types = set()
        if user_id == expert.pk:
            types.add(ConflictOfInterest.Type.TEACHER)
        same_unit = units[unit_id] if unit_id in units else unit_names.get(unit_text.strip())
        if same_unit is not None:
            types.add(ConflictOfInterest.Type.COLLEAGUE if same_unit else ConflictOfInterest.Type.FORMER_COLLEAGUE)
        if former.get(teacher_id, set()) & set(units):
            types.add(ConflictOfInterest.Type.FORMER_COLLEAGUE)
        for rec_id in by_course[course_id]:
            found[rec_id] |= types
    return {rec_id: sorted(types) for rec_id, types in found.items() if types}


def conflicts_for(*, expert, recommendation: Recommendation) -> list[str]:
    return conflicts_by_recommendation(expert=expert, recommendations=[recommendation]).get(recommendation.pk, [])


def _assignments(expert) -> QuerySet[Assignment]:
    return Assignment.objects.filter(expert=expert).select_related(
        "recommendation__course", "recommendation__organisation", "recommendation__campaign", "score"
    )


def conflicted_assignments(*, expert, campaign: Campaign | None = None) -> list[tuple[Assignment, list[str]]]:
    """The expert's assignments that a conflict of interest now forbids, with its types (in one
    campaign when given)."""
    qs = _assignments(expert)
    assignments = list(qs if campaign is None else qs.filter(recommendation__campaign=campaign))
    conflicts = conflicts_by_recommendation(expert=expert, recommendations=[a.recommendation for a in assignments])
    return [(a, conflicts[a.recommendation_id]) for a in assignments if a.recommendation_id in conflicts]


def assignments_of_expert(
    *, expert, campaign: Campaign | None = None, conflicted: list[int] | None = None
) -> QuerySet[Assignment]:
    """The expert's assignments without a conflict of interest: the only ones they may open or
    score. `conflicted`: the ids the caller already found with `conflicted_assignments`."""
    qs = _assignments(expert)
    if campaign is not None:
        qs = qs.filter(recommendation__campaign=campaign)
    if conflicted is None:
        conflicted = [a.pk for a, _types in conflicted_assignments(expert=expert)]
    return qs.exclude(pk__in=conflicted).order_by("recommendation__campaign__year", "recommendation_id")


def tasks_in_order(assignments) -> list[Assignment]:
    """The expert's task list, what to do now first: open tasks (in expert review, not yet
    scored) of the current campaign (this year's, else the expert's latest), then other open
    tasks, then the rest (scored, or review over); newest campaign first within each. Sorted as
    read: no query of its own."""
    tasks = list(assignments)
    years = {a.recommendation.campaign.year for a in tasks}
    this_year = timezone.localdate().year
    current = this_year if this_year in years else max(years, default=None)

    def is_open(a: Assignment) -> bool:
        return a.recommendation.campaign.phase == Phase.REVIEW and not hasattr(a, "score")

    def order(a: Assignment):
        year = a.recommendation.campaign.year
        group = (0 if year == current else 1) if a.is_open else 2
        return (group, -year, a.recommendation_id)

    for a in tasks:
        a.is_open = is_open(a)
    return sorted(tasks, key=order)


def identities_hidden(*, campaign: Campaign, user) -> bool:
    """Blind review: while courses are being recommended and reviewed, nobody but the association
    sees which unit recommended a course or who teaches it (pages, API, downloads)."""
    if not campaign.blind_review or campaign.is_past(Phase.REVIEW):
        return False
    return not has_role(user, Role.ASSOCIATION_ADMIN)


def scoring_progress(*, campaign: Campaign) -> QuerySet[Recommendation]:
    """Each candidate with its number of assigned experts and of submitted scores."""
    return candidates(campaign=campaign).annotate(
        assigned=Count("assignments", distinct=True),
        scored=Count("assignments__score", distinct=True),
    )


def score_of(assignment: Assignment) -> Score | None:
    return Score.objects.filter(assignment=assignment).first()


def other_scores(assignment: Assignment) -> list[Score]:
    """The other experts' scores of the same course (shown only when other_scores_visible)."""
    return list(
        Score.objects.filter(assignment__recommendation_id=assignment.recommendation_id)
        .exclude(assignment=assignment)
        .order_by("total")
    )


def conflict_flags(*, campaign: Campaign) -> QuerySet[ConflictFlag]:
    """Conflicts found after review: the scores stand, the association decides on a correction."""
    return ConflictFlag.objects.filter(campaign=campaign).select_related("recommendation__course", "expert")


def released_assignments(*, campaign: Campaign) -> QuerySet[ReleasedAssignment]:
    """Assignments removed for a conflict found after assignment: the association's notice list."""
    return ReleasedAssignment.objects.filter(campaign=campaign).select_related("recommendation__course", "expert")


def expert_deviations(*, campaign: Campaign) -> list[dict]:
    """Each expert's mean absolute deviation from the other experts on the same courses (out of
    100), flagged when above the campaign's outlier threshold so admins look before confirming."""
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
