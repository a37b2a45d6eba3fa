"""The empty choice of a drop-down in words: 请选择 on a form, 全部 on a filter, never Django's
"---------" (which reads as a broken page to most of our users)."""

from django import forms
from django.utils.translation import gettext_lazy as _

PLEASE_CHOOSE = _("请选择")
ALL = _("全部")


def name_empty_choices(form: forms.BaseForm, label=PLEASE_CHOOSE) -> None:
    """Give every single-choice field of `form` whose empty choice is Django's dashes `label`
    instead. Call it at the end of the form's __init__ (after querysets and choices are set)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            if field.empty_label is not None:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices = list(field.choices)
            if any(value == "" and str(text).strip("-") == "" for value, text in choices):
                field.choices = [("", label) if value == "" else (value, text) for value, text in choices]


class EmptyChoicePrompt:
    """Form mixin: the form's empty choices read 请选择 (see name_empty_choices)."""

    empty_choice_label = PLEASE_CHOOSE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self, self.empty_choice_label)
