"""Reads of the evaluation: querysets scoped to the user who asks, progress and statistics."""

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, Role, User
from accounts.selectors import has_role, organisation_ids_with_role
from courses.models import Course, Teacher

from .models import (
    Assignment,
    Campaign,
    ConflictOfInterest,
    Criterion,
    Phase,
    Recommendation,
    ReleasedAssignment,
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


def conflicted_assignments(*, expert) -> list[tuple[Assignment, list[str]]]:
    """The expert's assignments that a conflict of interest now forbids, with its types."""
    assignments = list(_assignments(expert))
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


def identities_hidden(*, campaign: Campaign, user) -> bool:
    """Blind review: while courses are being recommended and reviewed, nobody but the association
    sees which unit recommended a course or who teaches it (pages, API, downloads)."""
    if not campaign.blind_review or campaign.is_past(Phase.REVIEW):
        return False
    return not has_role(user, Role.ASSOCIATION_ADMIN)


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
        .order_by(F("rank").asc(nulls_last=True), "recommendation_id")
    )


def teacher_outcomes(*, campaign: Campaign) -> list[dict]:
    """Each teacher of a selected course in the latest ranking, and whether publication credits
    them ("按照课程课时的2倍计算授课教师年度继续教育学时"): only through an account the teacher
    confirmed; otherwise the reason, for the association to follow up."""
    snapshot = latest_snapshot(campaign=campaign)
    if snapshot is None:
        return []
    results = list(
        snapshot.results.filter(selected=True)
        .select_related("recommendation__course")
        .prefetch_related("recommendation__course__teachers__user")
        .order_by("rank", "id")
    )
    teachers = [(r, t) for r in results for t in r.recommendation.course.teachers.all()]
    numbers = {t.id_number for _r, t in teachers if t.id_number and not t.user_id}
    registered = (
        set(User.objects.filter(id_number__in=numbers).values_list("id_number", flat=True)) if numbers else set()
    )
    rows = []
    for result, teacher in teachers:
        if teacher.user_id:
            reason = ""
        elif not teacher.id_number:
            reason = _("提供单位未填写该教师的身份证号")
        elif teacher.id_number not in registered:
            reason = _("该身份证号尚未注册平台账号")
        elif teacher.link_declined_at:
            reason = _("本人已拒绝关联")
        else:
            reason = _("待教师本人在“我的授课”页面确认关联")
        rows.append(
            {"teacher": teacher, "course": result.recommendation.course, "credited": not reason, "reason": reason}
        )
    return rows


def public_results(*, campaign: Campaign) -> QuerySet[Result] | None:
    """What the public results page and API show: nothing (None) before the public notice (公示),
    the proposed list during it and until publication (not final), the final list once published.
    `campaign.is_published` tells the two apart."""
    if not campaign.results_public:
        return None
    return results_of(campaign=campaign)


def tied_at_line(*, campaign: Campaign) -> QuerySet[Recommendation]:
    """Courses of the latest ranking still tied across the selection line."""
    snapshot = latest_snapshot(campaign=campaign)
    if snapshot is None:
        return Recommendation.objects.none()
    return Recommendation.objects.filter(results__snapshot=snapshot, results__tied_at_line=True).select_related(
        "course"
    )


def released_assignments(*, campaign: Campaign) -> QuerySet[ReleasedAssignment]:
    """Assignments removed for a conflict found after assignment: the association's notice list."""
    return ReleasedAssignment.objects.filter(campaign=campaign).select_related("recommendation__course", "expert")


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
