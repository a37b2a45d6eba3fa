"""Rankings, snapshots, published results and the teacher pool."""

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation, User

from ..models import (
    Campaign,
    Phase,
    Recommendation,
    Result,
    ResultSnapshot,
    TeacherPoolEntry,
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

