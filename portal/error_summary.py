"""The error summary at the top of a page after a failed submit (issue 23; the GOV.UK design
system's pattern): every problem of every form the view validated, each linked to its field."""

from dataclasses import dataclass

from django import forms
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    message: str
    href: str  # "#<field id>", or "" when no field on the page can take the user there


def _field_href(field) -> str:
    """Where the field's input is: its id, or for a group of radios or checkboxes the first
    option's (id_x_0), which is what both Django's rendering and the hand-written loops give."""
    if not field.auto_id or field.is_hidden:
        return ""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"#{field.auto_id}_0"
    return f"#{field.id_for_label or field.auto_id}"


def _first_field_href(form) -> str:
    for field in form.visible_fields():
        if href := _field_href(field):
            return href
    return ""


def _form_problems(form, row: int | None = None) -> list[Problem]:
    problems = []
    fallback = _first_field_href(form)
    where = _("第%(n)s项 ") % {"n": row} if row else ""
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            problems += [Problem(f"{where}{message}", fallback) for message in messages]
            continue
        field = form[name]
        href = _field_href(field) or fallback
        problems += [Problem(f"{where}{field.label}：{message}", href) for message in messages]
    return problems


def _formset_problems(formset) -> list[Problem]:
    first = _first_field_href(formset.forms[0]) if formset.forms else ""
    problems = [Problem(message, first) for message in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        problems += _form_problems(form, row=number)
    return problems


def _validated(value) -> bool:
    # Only what the view has already validated: asking a form it bound but never checked would
    # run its cleaning (and its queries) from the template. `type()`, not isinstance(): a lazy
    # context value (csrf_token, user) must not be evaluated by looking at it.
    kind = type(value)
    return issubclass(kind, (forms.BaseForm, forms.BaseFormSet)) and value.is_bound and value._errors is not None


def problems_in(values) -> list[Problem]:
    """The problems of each validated form and formset among `values` (a template context's values;
    a list of forms counts too), each form once, in the order the context holds them."""
    problems, seen = [], set()
    for value in values:
        for item in value if type(value) in (list, tuple) else [value]:
            if id(item) in seen or not _validated(item):
                continue
            seen.add(id(item))
            if isinstance(item, forms.BaseFormSet):
                problems += _formset_problems(item)
            else:
                problems += _form_problems(item)
    return problems
