"""Learning platforms and teachers of a unit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.selectors import user_by_id_number
from accounts.validators import validate_id_number

from ..models import LearningPlatform, Teacher
from ..selectors import PROVIDER_ROLES
from .common import PLATFORM_FIELDS, require_role_in


@transaction.atomic
def save_platform(
    *, actor, owner: Organisation, data: dict, platform: LearningPlatform | None = None
) -> LearningPlatform:
    """Create or update one of the unit's learning platforms (attachment 2:
    平台名称, 网络地址, 培训对象, 负责部门, 备注)."""
    require_role_in(actor, owner, PROVIDER_ROLES)
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
    require_role_in(actor, organisation, PROVIDER_ROLES)
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
    require_role_in(actor, teacher.organisation, PROVIDER_ROLES)
    teacher.user = None
    teacher.save(update_fields=["user"])
    return teacher
