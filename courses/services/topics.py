"""Public-subject topics, one list per year (data edited by provincial staff)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Role
from accounts.selectors import roles_of
from accounts.services import audit
from portal import cache_versions

from ..models import Topic
from .common import MAX_YEAR, MIN_YEAR


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
    # bulk_create sends no post_save; the catalogue offers topics as a filter.
    cache_versions.bump(cache_versions.CATALOGUE)
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
