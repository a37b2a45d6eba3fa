"""Industry departments' study guides (学习指南, attachment 1)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role
from accounts.services import audit

from ..models import StudyGuide, StudyGuideSection
from .common import GUIDE_FIELDS, MAX_YEAR, MIN_YEAR, require_role_in


@transaction.atomic
def save_guide(*, actor, department: Organisation, data: dict, guide: StudyGuide | None = None) -> StudyGuide:
    """Create or update the department's guide: “专业科目由各省级行业主管部门制定学习指南”, one per year."""
    require_role_in(actor, department, (Role.DEPARTMENT_STAFF,))
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
    require_role_in(actor, guide.department, (Role.DEPARTMENT_STAFF,))
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
    require_role_in(actor, guide.department, (Role.DEPARTMENT_STAFF,))
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
    require_role_in(actor, guide.department, (Role.DEPARTMENT_STAFF,))
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
    require_role_in(actor, section.guide.department, (Role.DEPARTMENT_STAFF,))
    section.delete()
