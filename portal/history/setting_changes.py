"""The settings-change events (accounts.AuditEvent with old and new values) as staff read them:
each setting by its name, its values as the setting means them (portal.history.values), the object
by name, and the details of events that are not a change of values (a tie decision, a reason)."""

import datetime
import re

from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from courses.models import Category
from credits.models import Requirement, YearPolicy
from portal.formats import cn_date, cn_datetime, format_hours, format_score
from selection.models import Campaign, Recommendation

from . import values

# The model whose fields an event type's keys name.
SETTINGS_MODEL = {
    AuditEvent.Type.YEAR_POLICY_CHANGED: YearPolicy,
    AuditEvent.Type.CAMPAIGN_SETTINGS_CHANGED: Campaign,
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?$")


def plain_value(value) -> str:
    """A stored value no field describes: booleans 是/否, ISO dates and moments as people write
    them (moments in Beijing time), lists one item after another."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(plain_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "，".join(f"{k}：{plain_value(v)}" for k, v in value.items())
    if isinstance(value, str) and _ISO_DATE.match(value):
        return cn_date(datetime.date.fromisoformat(value))
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return cn_datetime(value.replace("Z", "+00:00"))
    return str(value)


def _conversion_rules(rules) -> str:
    categories = dict(Category.choices)
    return "；".join(
        _("%(name)s：每%(unit)s %(hours)s 学时，计入%(category)s")
        % {
            "name": r.get("name", ""),
            "unit": r.get("unit", ""),
            "hours": format_hours(r.get("hours_per_unit")),
            "category": categories.get(r.get("category"), r.get("category", "")),
        }
        for r in rules
    )


def _rubric(criteria) -> str:
    return "；".join(
        _("%(label)s（满分 %(score)s）") % {"label": c.get("label", ""), "score": format_score(c.get("max_score"))}
        for c in criteria
    )


def setting_value(event_type: str, key: str, value, names: dict) -> str:
    """One stored setting's value as staff read it."""
    if value is None or value == "" or value == []:
        return "—"
    if key == "conversion_rules" and isinstance(value, list):
        return _conversion_rules(value)
    if key == "rubric" and isinstance(value, list):
        return _rubric(value)
    model = SETTINGS_MODEL.get(event_type)
    field = values.model_field(model, key) if model else None
    if field is not None:
        return values.field_value(field, value, names)
    return plain_value(value)


def setting_label(event_type: str, key: str) -> str:
    """A setting's name when the event did not store one: its field's verbose name."""
    model = SETTINGS_MODEL.get(event_type)
    field = values.model_field(model, key) if model else None
    return values.field_label(field) if field is not None else key


def _recommendations(ids, names) -> str:
    return "、".join(
        values.object_name(names[(Recommendation, pk)]) if (Recommendation, pk) in names else f"#{pk}" for pk in ids
    )


def _details(event, names) -> list[tuple[str, str]]:
    """What an event holds besides changed values: a tie decision's courses, a reason."""
    data = dict(event.data or {})
    for key in ("changed", "old", "new", "labels"):
        data.pop(key, None)
    details = []
    if event.type == AuditEvent.Type.TIE_DECIDED:
        details += [
            (_("并列课程"), _recommendations(data.pop("tied", []), names)),
            (_("裁定入选"), _recommendations(data.pop("selected", []), names)),
        ]
    if "reason" in data:
        details.append((_("理由"), plain_value(data.pop("reason"))))
    return details + [(key, plain_value(value)) for key, value in data.items()]


def _names(events) -> dict:
    """The objects the page's events name by pk, one query per model: the settings' related
    objects and the courses of tie decisions."""
    wanted: dict = {}
    for event in events:
        data = event.data or {}
        if event.type == AuditEvent.Type.TIE_DECIDED:
            wanted.setdefault(Recommendation, set()).update(data.get("tied", []), data.get("selected", []))
        model = SETTINGS_MODEL.get(event.type)
        for key in data.get("changed", []) if model else ():
            field = values.model_field(model, key)
            if field is not None and field.is_relation:
                ids = {(data.get("old") or {}).get(key), (data.get("new") or {}).get(key)}
                wanted.setdefault(field.related_model, set()).update(ids)
    return values.names_by_model(wanted)


def setting_change_rows(events) -> list[dict]:
    """A page of settings-change events as rows: the event, its object by name, each changed
    setting (name, old, new) and the event's other details."""
    events = list(events)
    targets = setting_change_targets(events)
    names = _names(events)
    rows = []
    for event in events:
        data = event.data or {}
        old, new, labels = data.get("old") or {}, data.get("new") or {}, data.get("labels") or {}
        rows.append(
            {
                "event": event,
                "target": targets.get(event.target, event.target),
                "changes": [
                    (
                        labels.get(key) or setting_label(event.type, key),
                        setting_value(event.type, key, old.get(key), names),
                        setting_value(event.type, key, new.get(key), names),
                    )
                    for key in data.get("changed", [])
                ],
                "details": _details(event, names),
            }
        )
    return rows


def setting_change_targets(events) -> dict[str, str]:
    """Audit targets by name: "requirement:2" is the requirement's description, "year-policy:2022"
    the year's policy. One query when the page names requirements."""
    requirement_ids = {
        int(pk)
        for e in events
        for prefix, _sep, pk in [e.target.partition(":")]
        if prefix == "requirement" and pk.isascii() and pk.isdigit()
    }
    requirements = values.names_by_model({Requirement: requirement_ids})
    names = {f"requirement:{pk}": values.object_name(r) for (_model, pk), r in requirements.items()}
    for event in events:
        prefix, _sep, rest = event.target.partition(":")
        if prefix == "year-policy":
            names[event.target] = _("%(year)s年度学时政策") % {"year": rest}
        elif prefix == "requirement" and event.target not in names:
            data = event.data or {}
            described = (data.get("old") or {}).get("requirement") or (data.get("new") or {}).get("requirement")
            names[event.target] = described or _("已删除的专门学习要求")
    return names
