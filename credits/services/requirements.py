"""Departments and cities set mandatory learning: “省级行业主管部门、设区的市人力资源社会保障部门有专门要求的，
专业技术人员须按要求学习。”"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role
from accounts.selectors import roles_of
from accounts.services import audit_change
from courses.models import Course, Topic
from portal.hours import parse_hours

from ..models import Requirement
from ..selectors import policy_for, requirable_courses, sector_employers
from .rollups import refresh_employers

SETTER_ROLES = {
    Organisation.Kind.INDUSTRY_DEPARTMENT: Role.DEPARTMENT_STAFF,
    Organisation.Kind.CITY_BUREAU: Role.CITY_STAFF,
}


def _bound_employers(requirement: Requirement) -> list[int]:
    if requirement.organisation.kind == Organisation.Kind.CITY_BUREAU:
        employers = Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER, city=requirement.organisation.city)
        return list(employers.values_list("id", flat=True))
    return list(requirement.employers.values_list("id", flat=True))


def _refresh_bound_staff(requirement: Requirement, employer_ids: list[int]) -> None:
    """When requirements bind (policy.mandatory_binding), the staff they bind may change place in
    the report rollups."""
    if policy_for(year=requirement.year).mandatory_binding:
        refresh_employers(organisation_ids=employer_ids, year=requirement.year)


def _within_sector(department: Organisation, employers: list[Organisation]) -> None:
    """“省级行业主管部门……可开展面向本行业……的培训活动”: a department binds only the employers of
    its own sector (`selectors.sector_employers`)."""
    own = set(sector_employers(department).values_list("id", flat=True))
    outside = [e.name for e in employers if e.pk not in own]
    if outside:
        message = _("行业主管部门只能为本行业的用人单位设置要求，以下单位不属于本行业：%(names)s。")
        raise ValidationError({"employers": message % {"names": "、".join(outside)}}, code="employers_outside_sector")


def _require_setter(actor, organisation: Organisation) -> None:
    role = SETTER_ROLES.get(organisation.kind)
    if role is None or not any(g.role == role and g.organisation_id == organisation.pk for g in roles_of(actor)):
        raise PermissionDenied(_("只有行业主管部门或市人社局可以为本行业、本地区设置专门学习要求。"))


@transaction.atomic
def set_requirement(
    *,
    actor,
    organisation: Organisation,
    year: int,
    kind: str,
    course_id: int | None = None,
    topic: Topic | None = None,
    min_hours=None,
    employers=(),
    note: str = "",
) -> Requirement:
    """A department (for the employers of its sector it lists) or a city bureau (for every employer
    in its city) requires, for one year, a course or a minimum of hours on a topic."""
    _require_setter(actor, organisation)
    policy_for(year=year)
    requirement = Requirement(
        organisation=organisation, year=year, kind=kind, note=note.strip()[:200], created_by=actor
    )
    if kind == Requirement.Kind.COURSE:
        course = Course.objects.published().filter(pk=course_id).first() if course_id else None
        if course is None:
            raise ValidationError({"course": _("请搜索并选择一门已发布的课程。")}, code="course_invalid")
        if not requirable_courses(year=year).filter(pk=course.pk).exists():
            raise ValidationError({"course": _("该课程未在%(year)s年度开设。") % {"year": year}}, code="course_year")
        requirement.course = course
    elif kind == Requirement.Kind.TOPIC_HOURS:
        if topic is None or topic.year != year:
            raise ValidationError({"topic": _("请选择%(year)s年度的专题。") % {"year": year}}, code="topic_invalid")
        try:
            requirement.min_hours = parse_hours(min_hours, maximum=Decimal("200.0"))
        except ValidationError as exc:
            raise ValidationError({"min_hours": exc.messages[0]}, code="hours_invalid") from None
        requirement.topic = topic
    else:
        raise ValidationError({"kind": _("请选择要求类型。")}, code="kind_invalid")
    employers = list(employers)
    if organisation.kind == Organisation.Kind.INDUSTRY_DEPARTMENT:
        if not employers or any(e.kind != Organisation.Kind.EMPLOYER for e in employers):
            raise ValidationError({"employers": _("请选择本行业适用的用人单位。")}, code="employers_required")
        _within_sector(organisation, employers)
    elif employers:
        raise ValidationError({"employers": _("市人社局的要求适用于本市全部用人单位，无需选择单位。")})
    try:
        with transaction.atomic():
            requirement.save()
    except IntegrityError:
        raise ValidationError(_("本单位该年度已设置相同的要求。"), code="duplicate") from None
    requirement.employers.set(employers)
    _refresh_bound_staff(requirement, _bound_employers(requirement))
    audit_change(
        type=AuditEvent.Type.REQUIREMENT_CHANGED,
        actor=actor,
        organisation=organisation,
        target=f"requirement:{requirement.pk}",
        old={"requirement": None},
        new={"requirement": f"{year} {requirement}"},
        labels={"requirement": _("专门学习要求")},
    )
    return requirement


@transaction.atomic
def remove_requirement(*, actor, requirement: Requirement) -> None:
    _require_setter(actor, requirement.organisation)
    audit_change(
        type=AuditEvent.Type.REQUIREMENT_CHANGED,
        actor=actor,
        organisation=requirement.organisation,
        target=f"requirement:{requirement.pk}",
        old={"requirement": f"{requirement.year} {requirement}"},
        new={"requirement": None},
        labels={"requirement": _("专门学习要求")},
    )
    bound = _bound_employers(requirement)
    requirement.delete()
    _refresh_bound_staff(requirement, bound)
