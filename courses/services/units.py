"""Learning platforms and teachers of a unit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.validators import normalise_id_number, validate_id_number

from ..models import LearningPlatform, Teacher
from ..selectors import PROVIDER_ROLES
from ..signals import teacher_link_confirmed, teacher_saved, teacher_unlinked
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
        check_name_matches_account(name=name, id_number=id_number)
    former_user = None
    if id_number != teacher.id_number:
        # A new proposal: any earlier link or answer belonged to the old number.
        former_user = teacher.user
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
    if former_user is not None:
        teacher_unlinked.send(sender=Teacher, teacher=teacher, former_user=former_user, actor=actor)
    transaction.on_commit(lambda: teacher_saved.send(sender=Teacher, teacher=teacher))
    return teacher


@transaction.atomic
def unlink_teacher_account(*, actor, teacher: Teacher) -> Teacher:
    """The provider withdraws its proposal (and any confirmed link) for this teacher."""
    require_role_in(actor, teacher.organisation, PROVIDER_ROLES)
    teacher = Teacher.objects.select_for_update().get(pk=teacher.pk)
    former_user = teacher.user
    teacher.user = None
    teacher.id_number = ""
    teacher.link_confirmed_at = None
    teacher.link_declined_at = None
    teacher.save(update_fields=["user", "id_number", "link_confirmed_at", "link_declined_at"])
    if former_user is not None:
        # Teaching credit the link brought is reversed in this transaction (an audited reversal).
        teacher_unlinked.send(sender=Teacher, teacher=teacher, former_user=former_user, actor=actor)
    return teacher


def _same_name(a: str, b: str) -> bool:
    """Names compared without spaces (a provider may type “张 三” for 张三)."""
    return "".join(a.split()) == "".join(b.split()) and bool(a.strip())


def check_name_matches_account(*, name: str, id_number: str) -> None:
    """A proposed link must match the person's name as well as the ID number: an ID number whose
    account carries another name is refused (the account's name is not disclosed)."""
    account_name = User.objects.filter(id_number=id_number).values_list("name", flat=True).first()
    if account_name is not None and not _same_name(name, account_name):
        raise ValidationError(
            {"id_number": _("身份证号与教师姓名不一致：请核对该教师的姓名和身份证号。")}, code="name_mismatch"
        )


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
    if not _same_name(teacher.name, user.name):
        raise ValidationError(
            _("该授课教师的姓名（%(name)s）与您的实名信息不一致，不能确认关联；请联系课程提供单位更正。")
            % {"name": teacher.name},
            code="name_mismatch",
        )
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
