"""Who may credit what, to whom (docs/credits.md, "Who may credit which records"). The API, the bulk
API and the Excel import all reach the ledger through `credits.services.intake`, which asks here."""

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation, Role, User
from accounts.selectors import roles_of
from courses.models import Course, WorkPlanTraining
from courses.selectors import approved_trainings

from ..models import HourRecord, YearPolicy
from .rows import Row

PLATFORM_ROLES = (Role.BASE_ADMIN, Role.CITY_STAFF)
# One answer for "no such person" and "not yours to credit", so a unit cannot probe who exists.
NOT_IN_SCOPE = gettext_noop("在本单位登记范围内未找到该身份证号对应的专业技术人员。")


def platform_organisation_of(user) -> Organisation | None:
    """The CE base or city bureau whose learning platform this user posts for."""
    for grant in roles_of(user):
        if grant.role in PLATFORM_ROLES:
            return Organisation.objects.get(pk=grant.organisation_id)
    return None


def people_in_scope(*, organisation: Organisation, id_numbers) -> dict[str, int]:
    """The people a unit may credit: “国家级、省级继续教育基地可开展面向全省的培训活动” (a CE base: anyone on
    an employer's staff in the province); “设区的市人力资源社会保障部门可开展面向本地区的培训活动” (a city
    bureau: people whose current employer is in its city). Nobody for any other unit. Answers
    {ID number: user id}."""
    # One filter() call, so both conditions hold for the same (active professional) membership.
    if organisation.kind == Organisation.Kind.CE_BASE:
        staff = {"memberships__role": Role.PROFESSIONAL, "memberships__is_active": True}
    elif organisation.kind == Organisation.Kind.CITY_BUREAU and organisation.city:
        staff = {
            "memberships__role": Role.PROFESSIONAL,
            "memberships__is_active": True,
            "memberships__organisation__city": organisation.city,
        }
    else:
        return {}
    # Ids, not instances: a bulk names up to 10,000 people.
    return dict(User.objects.filter(id_number__in=list(id_numbers), **staff).values_list("id_number", "id"))


def check_course(*, organisation: Organisation, course: Course | None, row: Row, offline: bool) -> dict[str, str]:
    """A platform row names a published course on the unit's own learning platform, offered that year,
    of the row's category, and claims at most the course's hours. A city bureau's offline row names a
    published course of its own on the same terms (it has no work plan)."""
    if course is None or course.provider_id != organisation.pk:
        return {"course": _("该课程不存在或不属于本单位。")}
    if not offline and (
        course.platform is None or course.platform.owner_id != organisation.pk or not course.platform.is_active
    ):
        return {"course": _("该课程不在本单位运行中的学习平台上，不能按平台课程学习登记。")}
    if course.status != Course.Status.PUBLISHED:
        return {"course": _("该课程未发布，不能登记学时。")}
    if row.year is not None and not course.year_from <= row.year <= course.year_to:
        return {"course": _("该课程未在%(year)s年度开设。") % {"year": row.year}}
    problems = {}
    if row.category and course.category != row.category:
        problems["category"] = _("科目类别与课程类别不一致。")
    if row.hours is not None and row.hours > course.hours:
        problems["hours"] = _("学时不能超过课程学时（%(h)s）。") % {"h": course.hours}
    return problems


def check_training(*, training: WorkPlanTraining | None, row: Row) -> dict[str, str]:
    """“国家级、省级继续教育基地应制定年度继续教育工作计划并报管理单位同意后组织实施”: a base's offline row
    names a training of its approved plan for that year, in its category, up to its hours."""
    if training is None:
        return {"training": _("该培训不在本基地已经管理单位同意的年度工作计划中。")}
    if row.year is not None and training.plan.year != row.year:
        return {"training": _("该培训属于%(year)s年度工作计划，不能计入其他年度。") % {"year": training.plan.year}}
    problems = {}
    if row.category and training.category != row.category:
        problems["category"] = _("科目类别与培训项目类别不一致。")
    if row.hours is not None and row.hours > training.hours:
        problems["hours"] = _("学时不能超过培训项目学时（%(h)s）。") % {"h": training.hours}
    return problems


def trainings_for(*, organisation: Organisation, rows: list[Row]) -> dict[int, WorkPlanTraining]:
    if organisation.kind != Organisation.Kind.CE_BASE:
        return {}
    return approved_trainings(base_id=organisation.pk, training_ids={r.training_id for r in rows if r.training_id})


def approved_on_arrival(*, source: str, training: WorkPlanTraining | None) -> bool:
    """Approved on arrival: a platform course row; an offline training row only when the managing
    unit approved the plan with on-arrival approval. Anything else waits for the person's employer."""
    if source == HourRecord.Source.PLATFORM:
        return True
    return training is not None and training.plan.approved_on_arrival


def credited_so_far(*, organisation: Organisation, people, years) -> dict[tuple[int, int], Decimal]:
    """Hours this unit has already registered (approved or pending) per (person, year): the running
    total that the year policy's review threshold is compared with."""
    rows = (
        HourRecord.objects.filter(
            recorded_by=organisation, professional_id__in=[getattr(p, "pk", p) for p in people], year__in=years
        )
        .exclude(status=HourRecord.Status.REJECTED)
        .values("professional_id", "year")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    return {(r["professional_id"], r["year"]): r["total"] for r in rows}


def over_review_threshold(*, policy: YearPolicy, total_after: Decimal) -> bool:
    """Per person, unit and year: hours beyond the policy's threshold go to review, not straight in."""
    return policy.review_threshold is not None and total_after > policy.review_threshold
