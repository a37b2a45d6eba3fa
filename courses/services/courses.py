"""Courses: the notice's rules for a course, saving and publishing."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from portal import cache_versions
from portal.hours import parse_hours as portal_parse_hours

from ..models import MAX_COURSE_HOURS, Category, Course, Mode, Teacher, WorkPlan
from ..selectors import PROVIDER_KINDS, PROVIDER_ROLES
from .common import COURSE_FIELDS, MAX_YEAR, MIN_YEAR, require_role_in
from .versions import check_course_not_frozen


def parse_hours(value) -> Decimal:
    """Turn user input into a course's hours, or raise a Chinese ValidationError."""
    return portal_parse_hours(value, maximum=MAX_COURSE_HOURS)


def check_course_hours(*, hours: Decimal) -> None:
    """Hours are counted in tenths and a single course can't plausibly exceed the cap: “每年累计应不少于
    90 学时” makes a course of hundreds of hours a data-entry mistake."""
    portal_parse_hours(hours, maximum=MAX_COURSE_HOURS)


def check_public_course_has_topic(*, course: Course) -> dict:
    """A public course belongs to one of the year's topics: “公需科目。重点围绕“习近平新时代中国特色社会主义思想”
    ……专题系列课程开展学习；……自主选择疫情防控、医养健康……等方面内容的学习。”"""
    if course.category == Category.PUBLIC and course.topic_id is None:
        return {"topic": _("公需课必须选择公需科目专题。")}
    if course.category == Category.PROFESSIONAL and course.topic_id is not None:
        return {"topic": _("专业课不设公需科目专题。")}
    return {}


def check_professional_course_has_sector(*, course: Course) -> dict:
    """A professional course follows an industry department's guide: “专业科目由各省级行业主管部门制定学习指南”."""
    if course.category != Category.PROFESSIONAL:
        return {}
    if course.sector_id is None:
        return {"sector": _("专业课必须选择所属行业（行业主管部门）。")}
    if course.sector.kind != Organisation.Kind.INDUSTRY_DEPARTMENT:
        return {"sector": _("所属行业必须是省级行业主管部门。")}
    return {}


def check_department_teaches_own_sector(*, course: Course) -> dict:
    """An industry department trains its own sector: “各省级行业主管部门……可开展面向本行业……的培训活动”."""
    provider = course.provider
    if (
        provider.kind == Organisation.Kind.INDUSTRY_DEPARTMENT
        and course.category == Category.PROFESSIONAL
        and course.sector_id is not None
        and course.sector_id != provider.pk
    ):
        return {"sector": _("行业主管部门只能发布本行业的专业课。")}
    return {}


def check_course_on_own_platform(*, course: Course) -> dict:
    """A unit offers courses on its own platform: “……继续教育学习平台已上线的公需课程均可推荐参评”;
    placing a course on another unit's platform would let it record hours it does not own."""
    if course.platform_id is not None and course.platform.owner_id != course.provider_id:
        return {"platform": _("只能选择本单位的学习平台。")}
    if course.mode == Mode.ONLINE and course.platform_id is None and not course.url:
        return {"url": _("线上课程须填写所在学习平台或学习网址。")}
    return {}


def check_offline_course_has_place_and_dates(*, course: Course) -> dict:
    """“公需科目和专业科目学习均可采取远程教育和线下培训的形式开展。” Offline training happens somewhere, sometime."""
    if course.mode != Mode.OFFLINE:
        return {}
    errors = {}
    if not course.place:
        errors["place"] = _("线下培训必须填写培训地点。")
    if not course.start_date or not course.end_date:
        errors["start_date"] = _("线下培训必须填写开始和结束日期。")
    elif course.start_date > course.end_date:
        errors["end_date"] = _("结束日期不能早于开始日期。")
    return errors


def check_provider_kind(*, provider: Organisation) -> None:
    """Who trains: “各省级行业主管部门、设区的市人力资源社会保障部门可开展面向本行业、本地区的培训活动。
    国家级、省级继续教育基地可开展面向全省的培训活动。”"""
    if provider.kind not in PROVIDER_KINDS:
        raise ValidationError({"provider": _("只有继续教育基地、市人社局和省级行业主管部门可以发布课程。")})


def ensure_base_may_publish(*, provider: Organisation, year_from: int, year_to: int) -> None:
    """A CE base runs courses only under an approved plan: “国家级、省级继续教育基地应制定 2022 年度继续教育
    工作计划并报管理单位同意后组织实施。” Every year the course is offered needs that year's approved plan."""
    if provider.kind != Organisation.Kind.CE_BASE:
        return
    approved = set(
        WorkPlan.objects.filter(
            base=provider, status=WorkPlan.Status.APPROVED, year__gte=year_from, year__lte=year_to
        ).values_list("year", flat=True)
    )
    missing = [year for year in range(year_from, year_to + 1) if year not in approved]
    if missing:
        message = _("%(years)s 年度工作计划尚未经管理单位同意，不能发布该年度的课程。") % {
            "years": "、".join(str(y) for y in missing)
        }
        raise ValidationError({"status": ValidationError(message, code="work_plan_not_approved")})


def validate_course(*, course: Course) -> None:
    """All rules of a course together, raising one ValidationError with every field's message."""
    errors: dict[str, str] = {}
    if not (course.title or "").strip():
        errors["title"] = _("请填写课程名称。")
    elif len(course.title) > Course._meta.get_field("title").max_length:
        errors["title"] = _("课程名称不能超过200个字。")
    if course.category not in Category.values:
        errors["category"] = _("科目类别只能是公需课或专业课。")
    if course.mode not in Mode.values:
        errors["mode"] = _("学习形式只能是线上或线下。")
    try:
        check_course_hours(hours=Decimal(course.hours) if course.hours is not None else Decimal(0))
    except (ValidationError, InvalidOperation) as exc:
        errors["hours"] = exc.messages[0] if isinstance(exc, ValidationError) else _("学时必须是数字，例如 1.5。")
    if not course.year_from or not course.year_to:
        errors["year_from"] = _("请填写开课年度。")
    elif not (MIN_YEAR <= course.year_from <= MAX_YEAR and MIN_YEAR <= course.year_to <= MAX_YEAR):
        errors["year_from"] = _("开课年度不在合理范围内。")
    elif course.year_from > course.year_to:
        errors["year_to"] = _("开课截止年度不能早于起始年度。")
    for check in (
        check_public_course_has_topic,
        check_professional_course_has_sector,
        check_department_teaches_own_sector,
        check_course_on_own_platform,
        check_offline_course_has_place_and_dates,
    ):
        for field, message in check(course=course).items():
            errors.setdefault(field, message)
    if course.is_original and not course.copyright_holder:
        errors.setdefault("copyright_holder", _("原创课程须填写版权所有者。"))
    if errors:
        raise ValidationError(errors)
    if course.status == Course.Status.PUBLISHED:
        ensure_base_may_publish(provider=course.provider, year_from=course.year_from, year_to=course.year_to)


def check_teacher_names(*, names: list[str]) -> list[str]:
    """The stripped, non-empty teacher names, each fitting a teacher's name field (no truncation)."""
    names = [name.strip() for name in names if name.strip()]
    limit = Teacher._meta.get_field("name").max_length
    if any(len(name) > limit for name in names):
        raise ValidationError(
            {"teacher_names": _("授课教师姓名不能超过%(n)s个字，多位教师请用“、”分隔。") % {"n": limit}},
            code="teacher_name_too_long",
        )
    return names


def _teachers(*, provider: Organisation, names: list[str]) -> list[Teacher]:
    teachers = []
    for name in check_teacher_names(names=names):
        teacher = Teacher.objects.filter(organisation=provider, name=name).order_by("id").first()
        teachers.append(teacher or Teacher.objects.create(organisation=provider, name=name))
    return teachers


@transaction.atomic
def save_course(
    *,
    actor,
    provider: Organisation,
    data: dict,
    course: Course | None = None,
    teacher_names: list[str] | None = None,
    teachers: list[Teacher] | None = None,
) -> Course:
    """Create or update one of the provider's own courses after checking every rule (a course with
    credited hours keeps its frozen figures: `check_course_not_frozen`)."""
    require_role_in(actor, provider, PROVIDER_ROLES)
    check_provider_kind(provider=provider)
    if course is None:
        course = Course(provider=provider)
    elif course.provider_id != provider.pk:
        raise PermissionDenied(_("您无权管理该单位的数据。"))
    for field in COURSE_FIELDS:
        if field in data:
            setattr(course, field, data[field])
    check_course_not_frozen(course=course)
    validate_course(course=course)
    if teacher_names is not None:
        teacher_names = check_teacher_names(names=teacher_names)
    course.save()
    if teachers is not None:
        foreign = [t for t in teachers if t.organisation_id != provider.pk]
        if foreign:
            raise ValidationError({"teachers": _("只能选择本单位录入的授课教师。")})
        course.teachers.set(teachers)
    elif teacher_names is not None:
        course.teachers.set(_teachers(provider=provider, names=teacher_names))
    return course


@transaction.atomic
def set_course_status(*, actor, course: Course, status: str) -> Course:
    """Publish or withdraw a course (publishing re-checks every rule, including the work plan)."""
    course = (
        Course.objects.select_for_update(of=("self",))
        .select_related("provider", "platform", "sector")
        .get(pk=course.pk)
    )
    require_role_in(actor, course.provider, PROVIDER_ROLES)
    if status not in Course.Status.values:
        raise ValidationError({"status": _("未知状态。")})
    course.status = status
    validate_course(course=course)
    course.save(update_fields=["status", "updated_at"])
    return course


@transaction.atomic
def publish_courses(*, actor, courses) -> int:
    """Publish several drafts at once (e.g. an Excel upload's): each course is checked as when it is
    published alone, and nothing is published unless every one passes; the error names each course."""
    locked = list(
        Course.objects.select_for_update(of=("self",))
        .select_related("provider", "platform", "sector")
        .filter(pk__in=[c.pk for c in courses])
        .order_by("pk")
    )
    if not locked:
        raise ValidationError(_("请选择要发布的草稿课程。"))
    problems = []
    for course in locked:
        require_role_in(actor, course.provider, PROVIDER_ROLES)
        if course.status != Course.Status.DRAFT:
            problems.append(_("《%(title)s》不是草稿。") % {"title": course.title})
            continue
        course.status = Course.Status.PUBLISHED
        try:
            validate_course(course=course)
        except ValidationError as exc:
            problems.append(_("《%(title)s》：%(reason)s") % {"title": course.title, "reason": "；".join(exc.messages)})
    if problems:
        raise ValidationError(problems)
    published = Course.objects.filter(pk__in=[c.pk for c in locked])
    published.update(status=Course.Status.PUBLISHED, updated_at=timezone.now())
    # update() sends no post_save; the plans on 我的学时 suggest published courses (behind the catalogue version too).
    cache_versions.bump(cache_versions.CATALOGUE)
    return len(locked)
