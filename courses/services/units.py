"""Learning platforms and teachers of a unit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.validators import normalise_id_number, validate_id_number

from ..models import LearningPlatform, Teacher
from ..selectors import PROVIDER_ROLES
from ..signals import teacher_link_confirmed, teacher_saved
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
    current_unit: Organisation | None = None,
    former_units: list[Organisation] | None = None,
    unit: str = "",
    bio: str = "",
    id_number: str = "",
    teacher: Teacher | None = None,
) -> Teacher:
    """Record a teacher of the unit's courses with their workplace as a registered unit (and
    former units), so conflicts of interest with colleagues are found from data. The ID number is
    a proposal: the link to the person's account takes effect only when they confirm it
    (`confirm_teacher_link`), because it brings “按照课程课时的2倍计算授课教师年度继续教育学时”."""
    require_role_in(actor, organisation, PROVIDER_ROLES)
    if teacher is None:
        teacher = Teacher(organisation=organisation)
    elif teacher.organisation_id != organisation.pk:
        raise PermissionDenied(_("您无权管理该单位的数据。"))
    if not name.strip():
        raise ValidationError({"name": _("请填写教师姓名。")})
    id_number = normalise_id_number(id_number.strip()) if id_number.strip() else ""
    if id_number:
        validate_id_number(id_number)
    if id_number != teacher.id_number:
        # A new proposal: any earlier link or answer belonged to the old number.
        teacher.id_number = id_number
        teacher.user = None
        teacher.link_confirmed_at = None
        teacher.link_declined_at = None
    teacher.name = name.strip()
    teacher.professional_title = professional_title.strip()
    teacher.current_unit = current_unit
    teacher.unit = "" if current_unit is not None else unit.strip()
    teacher.bio = bio
    teacher.save()
    if former_units is not None:
        teacher.former_units.set([u for u in former_units if u != current_unit])
    transaction.on_commit(lambda: teacher_saved.send(sender=Teacher, teacher=teacher))
    return teacher


@transaction.atomic
def unlink_teacher_account(*, actor, teacher: Teacher) -> Teacher:
    """The provider withdraws its proposal (and any confirmed link) for this teacher."""
    require_role_in(actor, teacher.organisation, PROVIDER_ROLES)
    teacher.user = None
    teacher.id_number = ""
    teacher.link_confirmed_at = None
    teacher.link_declined_at = None
    teacher.save(update_fields=["user", "id_number", "link_confirmed_at", "link_declined_at"])
    return teacher


def _proposal_for(*, user, teacher_id: int) -> Teacher:
    """The teacher record proposed to this person (by their ID number); anyone else's is not found."""
    teacher = (
        Teacher.objects.select_for_update()
        .filter(pk=teacher_id, id_number=user.id_number or "-")
        .exclude(id_number="")
        .first()
    )
    if teacher is None:
        raise Teacher.DoesNotExist
    return teacher


@transaction.atomic
def confirm_teacher_link(*, user, teacher_id: int) -> Teacher:
    """The person confirms on their own page that they are this teacher: from now on the link
    counts for teaching credit and excludes them from reviewing the teacher's courses."""
    teacher = _proposal_for(user=user, teacher_id=teacher_id)
    if teacher.user_id == user.pk:
        return teacher
    teacher.user = user
    teacher.link_confirmed_at = timezone.now()
    teacher.link_declined_at = None
    teacher.save(update_fields=["user", "link_confirmed_at", "link_declined_at"])
    transaction.on_commit(lambda: teacher_link_confirmed.send(sender=Teacher, teacher=teacher))
    return teacher


@transaction.atomic
def decline_teacher_link(*, user, teacher_id: int) -> Teacher:
    """The person says they are not this teacher (or do not want the link)."""
    teacher = _proposal_for(user=user, teacher_id=teacher_id)
    teacher.user = None
    teacher.link_confirmed_at = None
    teacher.link_declined_at = timezone.now()
    teacher.save(update_fields=["user", "link_confirmed_at", "link_declined_at"])
    return teacher
