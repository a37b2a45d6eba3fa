"""The change log's reads: which tracked objects' history each overseer sees, and each event as
staff read it (field names, related objects by name, Beijing time, the actor by name)."""

from dataclasses import dataclass

from django.db import connection, models
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.selectors import roles_of
from courses.models import Course, Teacher
from selection.models import Campaign

from . import models as events
from . import values


@dataclass(frozen=True)
class Kind:
    key: str
    event_model: type[models.Model]
    related: tuple[str, ...] = ()  # what the object's name reads (select_related for the live rows)
    title: str | None = None  # when the tracked model's own name does not say it (a link table)

    @property
    def tracked_model(self) -> type[models.Model]:
        return self.event_model.pgh_tracked_model

    @property
    def label(self) -> str:
        return self.title or self.tracked_model._meta.verbose_name


KINDS = {
    kind.key: kind
    for kind in (
        Kind("course", events.CourseEvent, related=("provider",)),
        Kind("teacher", events.TeacherEvent),
        Kind("course_teacher", events.CourseTeacherEvent, title=gettext_lazy("课程的授课教师")),
        Kind("work_plan", events.WorkPlanEvent),
        Kind("work_plan_training", events.WorkPlanTrainingEvent),
        Kind("campaign", events.CampaignEvent),
        Kind("criterion", events.CriterionEvent),
        Kind("objection", events.ObjectionEvent),
        Kind("requirement", events.RequirementEvent, related=("course", "topic")),
        Kind("year_policy", events.YearPolicyEvent),
        Kind("conversion_rule", events.ConversionRuleEvent),
    )
}
# The provincial bureau oversees every tracked setting and record; the association the evaluation
# it runs. Other roles have no change log (accounts.view_setting_changes).
KINDS_BY_ROLE = {
    Role.PROVINCE_STAFF: tuple(KINDS),
    Role.ASSOCIATION_ADMIN: ("campaign", "criterion", "objection"),
}
EVENT_LABELS = {"create": gettext_lazy("新建"), "update": gettext_lazy("修改"), "delete": gettext_lazy("删除")}


def history_kinds_for(user) -> list[Kind]:
    """The kinds of object whose history this user oversees, in the order of KINDS."""
    keys = {key for grant in roles_of(user) for key in KINDS_BY_ROLE.get(grant.role, ())}
    return [kind for key, kind in KINDS.items() if key in keys]


def history_is_recorded() -> bool:
    """The triggers that record history exist on PostgreSQL only (docs/history.md)."""
    return connection.vendor == "postgresql"


def history_events(*, kind: Kind) -> QuerySet:
    """A kind's events, newest first, each with the id of the object's next event (whose row holds
    the values an update left, as an update records the row before it)."""
    model = kind.event_model
    following = model.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__gt=OuterRef("pgh_id"))
    return model.objects.annotate(next_id=Subquery(following.order_by("pgh_id").values("pgh_id")[:1])).order_by(
        "-pgh_id"
    )


def _fields(kind: Kind) -> list[models.Field]:
    """The tracked model's fields the events copy (not its primary key: that is the object)."""
    tracked = kind.tracked_model._meta
    names = {f.attname for f in tracked.concrete_fields if not f.primary_key}
    return [tracked.get_field(f.name) for f in kind.event_model._meta.concrete_fields if f.attname in names]


def _actor(context: dict | None, users: dict) -> str:
    context = context or {}
    if context.get("user") in users:
        return users[context["user"]].display_name
    source = str(context.get("source", ""))
    if source.startswith("command:"):
        return _("管理命令 %(name)s") % {"name": source.removeprefix("command:")}
    if source.startswith("task:"):
        return _("后台任务 %(name)s") % {"name": source.removeprefix("task:")}
    if context.get("user") is not None:
        return _("已删除的用户 #%(id)s") % {"id": context["user"]}
    if context.get("url"):
        return _("未登录的请求 %(url)s") % {"url": context["url"]}
    return _("数据库直接修改（未记录操作人）")


def history_rows(*, kind: Kind, events_page) -> list[dict]:
    """The events of a page as staff read them: when, what, which object, who, and each changed
    field's name with its old and new value. Queries: the next events of updates (when any), the
    live objects, each related model named on the page, and the actors."""
    page = list(events_page)
    if not page:
        return []
    fields = _fields(kind)
    next_ids = [e.next_id for e in page if e.pgh_label == "update" and e.next_id]
    following = {e.pgh_id: e for e in kind.event_model.objects.filter(pgh_id__in=next_ids)} if next_ids else {}
    live = kind.tracked_model.objects.select_related(*kind.related).in_bulk({e.pgh_obj_id for e in page})
    rows = [*page, *following.values(), *live.values()]
    names = _related_names(fields, rows)
    users = User.objects.in_bulk({(e.pgh_context or {}).get("user") for e in page} - {None})
    result = []
    for event in page:
        after = following.get(event.next_id) if event.next_id else live.get(event.pgh_obj_id)
        result.append(
            {
                "at": event.pgh_created_at,
                "label": EVENT_LABELS.get(event.pgh_label, event.pgh_label),
                "object": _name(kind, event, live, names, fields),
                "actor": _actor(event.pgh_context, users),
                "changes": _changes(event, after, fields, names),
            }
        )
    return result


def _related_names(fields, rows) -> dict:
    wanted: dict[type[models.Model], set] = {}
    for field in fields:
        if field.is_relation:
            wanted.setdefault(field.related_model, set()).update(getattr(row, field.attname) for row in rows)
    return values.names_by_model(wanted)


def _name(kind: Kind, event, live: dict, names: dict, fields) -> str:
    if kind.key == "course_teacher":
        course, teacher = names.get((Course, event.course_id)), names.get((Teacher, event.teacher_id))
        course_name = values.object_name(course) if course else f"#{event.course_id}"
        return f"{course_name} / {teacher or f'#{event.teacher_id}'}"
    if kind.key == "objection":  # an objection's own text is the filer's; it is named by its campaign
        campaign = names.get((Campaign, event.campaign_id))
        return _("%(campaign)s 异议 #%(pk)s") % {"campaign": campaign or "", "pk": event.pgh_obj_id}
    obj = live.get(event.pgh_obj_id)
    if obj is None:  # deleted: named from its last recorded row and the related objects on the page
        obj = kind.tracked_model(pk=event.pgh_obj_id, **{f.attname: getattr(event, f.attname) for f in fields})
        for field in (f for f in fields if f.is_relation and getattr(obj, f.attname) is not None):
            related = names.get((field.related_model, getattr(obj, field.attname)))
            if related is not None:
                setattr(obj, field.name, related)
            elif field.name in kind.related:
                return f"{kind.label} #{event.pgh_obj_id}"
    return values.object_name(obj)


def _changes(event, after, fields, names) -> list[tuple[str, str, str]]:
    if event.pgh_label == "create":
        pairs = [(f, None, getattr(event, f.attname)) for f in fields]
    elif event.pgh_label == "update" and after is not None:
        pairs = [(f, getattr(event, f.attname), getattr(after, f.attname)) for f in fields]
    else:
        return []
    return [
        (values.field_label(f), values.field_value(f, old, names), values.field_value(f, new, names))
        for f, old, new in pairs
        if old != new and not (old in (None, "") and new in (None, ""))
    ]
