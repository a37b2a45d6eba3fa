"""Rankings, snapshots, published results and the teacher pool."""

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from courses.models import Teacher

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
    """Each sealed teacher of a selected course (the latest ranking before sealing), and whether
    publication credits them ("按照课程课时的2倍计算授课教师年度继续教育学时"): only through an account
    the teacher confirmed, still naming the sealed person; otherwise the reason, for the
    association to follow up."""
    from ..services.sealing import id_fingerprint  # noqa: PLC0415 (services import selectors)

    snapshot = latest_snapshot(campaign=campaign)
    if snapshot is None:
        return []
    selected = snapshot.results.filter(selected=True).order_by("rank", "id").values_list("recommendation_id", flat=True)
    if snapshot.is_sealed:
        courses = {c["recommendation"]: c for c in snapshot.inputs["sealed"]["courses"]}
        sealed = [(courses[rec_id], t) for rec_id in selected for t in courses[rec_id]["teachers"]]
    else:
        recs = Recommendation.objects.filter(pk__in=list(selected)).select_related("course")
        recs = recs.prefetch_related("course__teachers")
        by_id = {r.pk: r for r in recs}
        sealed = [
            (
                {"title": by_id[rec_id].course.title, "hours": str(by_id[rec_id].course.hours)},
                {"teacher": t.pk, "name": t.name, "id_fingerprint": id_fingerprint(t.id_number)},
            )
            for rec_id in selected
            for t in by_id[rec_id].course.teachers.all()
        ]
    live = Teacher.objects.in_bulk({t["teacher"] for _c, t in sealed})
    numbers = {t.id_number for t in live.values() if t.id_number and not t.user_id}
    registered = (
        set(User.objects.filter(id_number__in=numbers).values_list("id_number", flat=True)) if numbers else set()
    )
    rows = []
    for course, was in sealed:
        teacher = live.get(was["teacher"])
        if teacher is None:
            reason = _("该教师记录已删除")
        elif was["id_fingerprint"] and id_fingerprint(teacher.id_number) != was["id_fingerprint"]:
            reason = _("身份证号与结果封存时不一致")
        elif teacher.user_id:
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
            {
                "teacher": teacher,
                "name": was["name"],
                "course": {"title": course["title"], "hours": Decimal(course["hours"])},
                "credited": not reason,
                "reason": reason,
            }
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
        "course", "organisation"
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
    # An entry a correction took out (the teacher no longer in the selected list) is not shown.
    qs = TeacherPoolEntry.objects.filter(removed_at__isnull=True).select_related("teacher", "campaign", "course")
    if search:
        qs = qs.filter(Q(teacher_name__icontains=search) | Q(course_title__icontains=search))
    return qs

