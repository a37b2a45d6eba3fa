"""How a recorded value reads in the change log: by the field it belongs to, never as the machine
stored it. Moments in Beijing time (2026年12月28日 23:59:59), dates 2026年12月8日, choices by their
label, booleans 是/否, hours as 30 or 1.5, weights as percentages, related objects by name.

Values come from two places: the rows the history triggers copy (Python values: Decimal, datetime,
a related object's pk) and the audit log's JSON (text for decimals and dates, pks as numbers);
both read the same here."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.validators import mask_id_number
from courses.models import Course, WorkPlan, WorkPlanTraining
from credits.models import Requirement
from portal.formats import cn_date, cn_datetime, format_hours, format_percent, format_score
from selection.models import Objection, Recommendation

# What each model's name reads from besides its own row (one query per model on a page).
NAME_RELATED = {
    Course: ("provider",),
    Requirement: ("course", "topic"),
    Recommendation: ("course__provider",),
    WorkPlan: ("organisation",),
    WorkPlanTraining: ("plan__organisation",),
    Objection: ("campaign",),
}


def object_name(obj) -> str:
    """An object as staff name it: a person or unit by name, a course by its title and the unit
    that provides it (several courses share a title), a requirement by what it asks."""
    if isinstance(obj, User):
        return obj.display_name
    if isinstance(obj, Organisation):
        return obj.name
    if isinstance(obj, Course):
        return _("%(title)s（%(unit)s）") % {"title": obj.title, "unit": obj.provider.name}
    if isinstance(obj, Recommendation):
        return object_name(obj.course)
    if isinstance(obj, WorkPlanTraining):
        return _("%(title)s（%(hours)s学时）") % {"title": obj.title, "hours": format_hours(obj.hours)}
    return str(obj)


def names_by_model(wanted: dict[type[models.Model], set]) -> dict:
    """{(model, pk): object} for the wanted pks, one query per model (with what its name reads)."""
    names = {}
    for model, ids in wanted.items():
        ids = {pk for pk in ids if pk is not None}
        if ids:
            queryset = model.objects.select_related(*NAME_RELATED.get(model, ()))
            names.update({(model, pk): obj for pk, obj in queryset.in_bulk(ids).items()})
    return names


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _moment(value):
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def field_value(field: models.Field, value, names: dict | None = None) -> str:
    """One value of one field as staff read it ("—" for nothing)."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        related = (names or {}).get((field.related_model, value))
        return object_name(related) if related is not None else _("（已删除）#%(pk)s") % {"pk": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("是") if value else _("否")
    if field.name == "id_number":
        return mask_id_number(value)
    if isinstance(field, models.DateTimeField):
        moment = _moment(value)
        return cn_datetime(moment) if moment else str(value)
    if isinstance(field, models.DateField):
        day = _moment(value)
        return cn_date(day.date() if isinstance(day, datetime.datetime) else day) if day else str(value)
    if isinstance(field, models.DecimalField) and (number := _decimal(value)) is not None:
        return decimal_value(field, number)
    return Truncator(str(value)).chars(80)


def decimal_value(field: models.Field, number: Decimal) -> str:
    """Weights (0.700) as percentages; hours (one decimal place: 30.0) as 30; other figures
    (scores, multipliers) without needless zeros."""
    if field.name.endswith("_weight"):
        return format_percent(number)
    if field.decimal_places == 1:
        return format_hours(number)
    return format_score(number)


def field_label(field: models.Field) -> str:
    """A field's name as staff read it; a foreign key Django named itself goes by its model's name."""
    if field.is_relation and field.verbose_name == field.name.replace("_", " "):
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a key the audit log holds that is no field (e.g. the conversion rules)
        return None
