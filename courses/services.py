"""Writes of the catalogue. Each notice rule is one function quoting the notice's sentence."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role
from accounts.selectors import roles_of, user_by_id_number
from accounts.services import audit
from accounts.validators import validate_id_number

from .models import (
    MAX_COURSE_HOURS,
    Category,
    Course,
    LearningPlatform,
    Mode,
    StudyGuide,
    StudyGuideSection,
    Teacher,
    Topic,
    WorkPlan,
)
from .selectors import PROVIDER_KINDS, PROVIDER_ROLES

COURSE_FIELDS = (
    "title",
    "category",
    "topic",
    "sector",
    "hours",
    "mode",
    "platform",
    "url",
    "description",
    "year_from",
    "year_to",
    "is_original",
    "copyright_holder",
    "status",
    "place",
    "start_date",
    "end_date",
)
PLATFORM_FIELDS = ("name", "url", "audience", "department", "notes", "is_active")
GUIDE_FIELDS = ("year", "title", "hours_requirement", "learning_forms", "related_requirements")
# Years outside this range are typing mistakes, not catalogue years.
MIN_YEAR, MAX_YEAR = 2000, 2100


def _require_role_in(actor, organisation: Organisation, roles) -> None:
    """Refuse unless the actor holds one of `roles` in this very unit (no one edits another unit's)."""
    if not any(g.organisation_id == organisation.pk and g.role in roles for g in roles_of(actor)):
        raise PermissionDenied(_("您无权管理该单位的数据。"))


# --- courses -----------------------------------------------------------------------------------


def parse_hours(value) -> Decimal:
    """Turn user input into hours with one decimal place, or raise a Chinese ValidationError."""
    if isinstance(value, float):
        value = str(value)
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("学时必须是数字，例如 1.5。"), code="hours_not_numeric") from None
    if not hours.is_finite():
        raise ValidationError(_("学时必须是数字，例如 1.5。"), code="hours_not_numeric")
    check_course_hours(hours=hours)
    return hours


def check_course_hours(*, hours: Decimal) -> None:
    """Hours are counted in tenths and a single course can't plausibly exceed the cap: “每年累计应不少于
    90 学时” makes a course of hundreds of hours a data-entry mistake."""
    if hours <= 0:
        raise ValidationError(_("学时必须大于 0。"), code="hours_not_positive")
    if hours > MAX_COURSE_HOURS:
        raise ValidationError(_("学时不能超过 %(max)s，请核对。") % {"max": MAX_COURSE_HOURS}, code="hours_too_large")
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError(_("学时最多保留一位小数。"), code="hours_precision")


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
        raise ValidationError(
            {
                "status": _("%(years)s 年度工作计划尚未经管理单位同意，不能发布该年度的课程。")
                % {"years": "、".join(str(y) for y in missing)}
            },
            code="work_plan_not_approved",
        )


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


def _teachers(*, provider: Organisation, names: list[str]) -> list[Teacher]:
    teachers = []
    for name in names:
        name = name.strip()
        if not name:
            continue
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
    """Create or update one of the provider's own courses after checking every rule."""
    _require_role_in(actor, provider, PROVIDER_ROLES)
    check_provider_kind(provider=provider)
    if course is None:
        course = Course(provider=provider)
    elif course.provider_id != provider.pk:
        raise PermissionDenied(_("您无权管理该单位的数据。"))
    for field in COURSE_FIELDS:
        if field in data:
            setattr(course, field, data[field])
    validate_course(course=course)
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
    _require_role_in(actor, course.provider, PROVIDER_ROLES)
    if status not in Course.Status.values:
        raise ValidationError({"status": _("未知状态。")})
    course.status = status
    validate_course(course=course)
    course.save(update_fields=["status", "updated_at"])
    return course


# --- learning platforms ------------------------------------------------------------------------


@transaction.atomic
def save_platform(
    *, actor, owner: Organisation, data: dict, platform: LearningPlatform | None = None
) -> LearningPlatform:
    """Create or update one of the unit's learning platforms (attachment 2:
    平台名称, 网络地址, 培训对象, 负责部门, 备注)."""
    _require_role_in(actor, owner, PROVIDER_ROLES)
    if platform is None:
        platform = LearningPlatform(owner=owner)
    elif platform.owner_id != owner.pk:
        raise PermissionDenied(_("您无权管理该单位的数据。"))
    for field in PLATFORM_FIELDS:
        if field in data:
            setattr(platform, field, data[field])
    platform.full_clean()
    platform.save()
    return platform


# --- study guides ------------------------------------------------------------------------------


@transaction.atomic
def save_guide(*, actor, department: Organisation, data: dict, guide: StudyGuide | None = None) -> StudyGuide:
    """Create or update the department's guide: “专业科目由各省级行业主管部门制定学习指南”, one per year."""
    _require_role_in(actor, department, (Role.DEPARTMENT_STAFF,))
    if department.kind != Organisation.Kind.INDUSTRY_DEPARTMENT:
        raise ValidationError({"department": _("学习指南只能由省级行业主管部门制定。")})
    if guide is None:
        guide = StudyGuide(department=department)
    elif guide.department_id != department.pk:
        raise PermissionDenied(_("您无权管理该单位的数据。"))
    for field in GUIDE_FIELDS:
        if field in data:
            setattr(guide, field, data[field])
    if not guide.title:
        guide.title = _("%(year)s年度专业技术人员继续教育指南") % {"year": guide.year}
    if not (MIN_YEAR <= (guide.year or 0) <= MAX_YEAR):
        raise ValidationError({"year": _("年度不在合理范围内。")})
    clash = StudyGuide.objects.filter(department=department, year=guide.year).exclude(pk=guide.pk).exists()
    if clash:
        raise ValidationError({"year": _("本部门该年度的学习指南已存在，请直接编辑。")}, code="guide_exists")
    guide.save()
    return guide


@transaction.atomic
def publish_guide(*, actor, guide: StudyGuide) -> StudyGuide:
    """Publish the guide to the public: “在本部门官网和山东省专业技术人员继续教育公共服务平台同时面向社会发布”."""
    guide = StudyGuide.objects.select_for_update(of=("self",)).select_related("department").get(pk=guide.pk)
    _require_role_in(actor, guide.department, (Role.DEPARTMENT_STAFF,))
    if not guide.sections.exists():
        raise ValidationError({"sections": _("请先填写“一、学习内容”后再发布。")}, code="guide_empty")
    if not guide.hours_requirement.strip():
        raise ValidationError({"hours_requirement": _("请先填写“二、学时要求”后再发布。")}, code="guide_incomplete")
    if guide.status != StudyGuide.Status.PUBLISHED:
        guide.status = StudyGuide.Status.PUBLISHED
        guide.published_at = timezone.now()
        guide.save(update_fields=["status", "published_at", "updated_at"])
        audit(
            type=AuditEvent.Type.OTHER,
            actor=actor,
            organisation=guide.department,
            target=guide.title,
            data={"action": "guide_published", "guide": guide.pk},
        )
    return guide


@transaction.atomic
def unpublish_guide(*, actor, guide: StudyGuide) -> StudyGuide:
    guide = StudyGuide.objects.select_for_update(of=("self",)).select_related("department").get(pk=guide.pk)
    _require_role_in(actor, guide.department, (Role.DEPARTMENT_STAFF,))
    guide.status = StudyGuide.Status.DRAFT
    guide.published_at = None
    guide.save(update_fields=["status", "published_at", "updated_at"])
    return guide


@transaction.atomic
def save_section(
    *,
    actor,
    guide: StudyGuide,
    heading: str,
    body: str = "",
    order: int = 0,
    parent: StudyGuideSection | None = None,
    section: StudyGuideSection | None = None,
) -> StudyGuideSection:
    """Add or edit a heading of 一、学习内容: level 1 “(一)”, level 2 “1.”, level 3 below it; no deeper."""
    _require_role_in(actor, guide.department, (Role.DEPARTMENT_STAFF,))
    if parent is not None and parent.guide_id != guide.pk:
        raise ValidationError({"parent": _("上级标题不属于本指南。")})
    level = 1 if parent is None else parent.level + 1
    if level > 3:
        raise ValidationError({"parent": _("学习内容最多三级标题。")}, code="too_deep")
    if not heading.strip():
        raise ValidationError({"heading": _("请填写标题。")})
    if section is None:
        section = StudyGuideSection(guide=guide)
    elif section.guide_id != guide.pk:
        raise PermissionDenied(_("您无权管理该单位的数据。"))
    elif parent is not None and parent.pk == section.pk:
        raise ValidationError({"parent": _("上级标题不能是自己。")})
    if section.pk and section.children.exists() and level != section.level:
        raise ValidationError({"parent": _("含有下级标题的条目不能改变层级。")})
    section.parent = parent
    section.level = level
    section.heading = heading.strip()
    section.body = body
    section.order = order
    section.save()
    return section


@transaction.atomic
def delete_section(*, actor, section: StudyGuideSection) -> None:
    _require_role_in(actor, section.guide.department, (Role.DEPARTMENT_STAFF,))
    section.delete()


# --- CE base work plans ------------------------------------------------------------------------


@transaction.atomic
def submit_work_plan(*, actor, base: Organisation, year: int, title: str, content: str = "", file=None) -> WorkPlan:
    """A CE base submits its annual plan to its managing unit: “国家级、省级继续教育基地应制定 2022 年度继续教育
    工作计划并报管理单位同意后组织实施。” A returned plan may be resubmitted; an approved one is final."""
    _require_role_in(actor, base, (Role.BASE_ADMIN,))
    if base.kind != Organisation.Kind.CE_BASE:
        raise ValidationError({"base": _("只有继续教育基地报送年度工作计划。")})
    if base.parent_id is None:
        raise ValidationError({"base": _("本基地未登记管理单位，请联系省人社厅。")})
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise ValidationError({"year": _("年度不在合理范围内。")})
    if not content.strip() and not file:
        raise ValidationError({"content": _("请填写计划内容或上传计划文件。")})
    plan = WorkPlan.objects.select_for_update().filter(base=base, year=year).first()
    if plan is not None and plan.status == WorkPlan.Status.APPROVED:
        raise ValidationError({"year": _("该年度工作计划已经同意，不能再修改。")}, code="already_approved")
    if plan is None:
        plan = WorkPlan(base=base, year=year)
    plan.title = title.strip() or _("%(base)s%(year)s年度继续教育工作计划") % {"base": base.name, "year": year}
    plan.content = content
    if file:
        plan.file = file
    plan.status = WorkPlan.Status.SUBMITTED
    plan.reason = ""
    plan.submitted_by = actor
    plan.submitted_at = timezone.now()
    plan.decided_by = None
    plan.decided_at = None
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError({"year": _("该年度工作计划已提交。")}, code="duplicate") from None
    return plan


@transaction.atomic
def decide_work_plan(*, actor, plan: WorkPlan, approve: bool, reason: str = "") -> WorkPlan:
    """The managing unit agrees to or returns a base's plan (“报管理单位同意后组织实施”); returning needs a reason."""
    plan = WorkPlan.objects.select_for_update(of=("self",)).select_related("base", "base__parent").get(pk=plan.pk)
    if plan.base.parent is None:
        raise PermissionDenied(_("您无权审核该工作计划。"))
    _require_role_in(actor, plan.base.parent, (Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF))
    if plan.status != WorkPlan.Status.SUBMITTED:
        raise ValidationError({"status": _("该工作计划已审核，不能重复审核。")}, code="already_decided")
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("退回时必须填写理由。")}, code="reason_required")
    plan.status = WorkPlan.Status.APPROVED if approve else WorkPlan.Status.RETURNED
    plan.reason = reason.strip()
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit(
        type=AuditEvent.Type.OTHER,
        actor=actor,
        organisation=plan.base.parent,
        target=plan.title,
        data={"action": "work_plan_decided", "plan": plan.pk, "status": plan.status},
    )
    return plan


# --- topics ------------------------------------------------------------------------------------


def _require_province_staff(actor) -> None:
    if not any(g.role == Role.PROVINCE_STAFF for g in roles_of(actor)):
        raise PermissionDenied(_("只有省人社厅工作人员可以管理公需课专题。"))


@transaction.atomic
def copy_topics_to_year(*, actor, from_year: int, to_year: int) -> int:
    """Start a new year's public-subject topic list from an earlier one (topics are data, one list per year).
    Topics already in the target year are kept; returns how many were added."""
    _require_province_staff(actor)
    if from_year == to_year or not (MIN_YEAR <= to_year <= MAX_YEAR):
        raise ValidationError({"to_year": _("请选择另一个合理的目标年度。")})
    source = list(Topic.objects.filter(year=from_year).order_by("order", "id"))
    if not source:
        raise ValidationError({"from_year": _("%(year)s 年度没有公需课专题可复制。") % {"year": from_year}})
    existing = set(Topic.objects.filter(year=to_year).values_list("name", flat=True))
    new = [Topic(year=to_year, group=t.group, name=t.name, order=t.order) for t in source if t.name not in existing]
    Topic.objects.bulk_create(new)
    audit(
        type=AuditEvent.Type.OTHER,
        actor=actor,
        target=f"topics {from_year}->{to_year}",
        data={"action": "topics_copied", "added": len(new)},
    )
    return len(new)


@transaction.atomic
def save_topic(*, actor, year: int, group: str, name: str, order: int = 0, topic: Topic | None = None) -> Topic:
    _require_province_staff(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写专题名称。")})
    if group not in Topic.Group.values:
        raise ValidationError({"group": _("请选择专题类别。")})
    if Topic.objects.filter(year=year, name=name).exclude(pk=getattr(topic, "pk", None)).exists():
        raise ValidationError({"name": _("该年度已有同名专题。")}, code="duplicate")
    topic = topic or Topic()
    topic.year, topic.group, topic.name, topic.order = year, group, name, order
    topic.save()
    return topic


@transaction.atomic
def delete_topic(*, actor, topic: Topic) -> None:
    _require_province_staff(actor)
    if topic.courses.exists():
        raise ValidationError(_("已有课程使用该专题，不能删除。"), code="in_use")
    topic.delete()


# --- teachers ----------------------------------------------------------------------------------


@transaction.atomic
def save_teacher(
    *,
    actor,
    organisation: Organisation,
    name: str,
    professional_title: str = "",
    unit: str = "",
    bio: str = "",
    id_number: str = "",
    teacher: Teacher | None = None,
) -> Teacher:
    """Record a teacher of the unit's courses. Linking the teacher's own account (by ID number) is what lets
    a selected quality course credit them: “按照课程课时的2倍计算授课教师年度继续教育学时”."""
    _require_role_in(actor, organisation, PROVIDER_ROLES)
    if teacher is None:
        teacher = Teacher(organisation=organisation)
    elif teacher.organisation_id != organisation.pk:
        raise PermissionDenied(_("您无权管理该单位的数据。"))
    if not name.strip():
        raise ValidationError({"name": _("请填写教师姓名。")})
    if id_number.strip():
        validate_id_number(id_number)
        user = user_by_id_number(id_number)
        if user is None:
            raise ValidationError({"id_number": _("未找到该身份证号对应的专业技术人员账号。")}, code="no_account")
        teacher.user = user
    teacher.name = name.strip()
    teacher.professional_title = professional_title.strip()
    teacher.unit = unit.strip()
    teacher.bio = bio
    teacher.save()
    return teacher


@transaction.atomic
def unlink_teacher_account(*, actor, teacher: Teacher) -> Teacher:
    _require_role_in(actor, teacher.organisation, PROVIDER_ROLES)
    teacher.user = None
    teacher.save(update_fields=["user"])
    return teacher
