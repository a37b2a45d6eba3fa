"""Forms: thin, the rules live in services."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from portal.choices import EmptyChoicePrompt

from .models import Call


class SendForm(EmptyChoicePrompt, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    word_file = forms.FileField(
        label=_("Word版（.docx或.doc）"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,.doc,application/msword,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )
    pdf_file = forms.FileField(
        label=_("PDF版"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"})
    )


class ReviewForm(forms.Form):
    """No decision is preselected: the reviewer chooses one, and it stays chosen when the form
    comes back with an error (a return without a comment must not turn into an acceptance)."""

    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("accept", _("通过")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结论。")},
    )
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resubmit_by = forms.DateField(
        label=_("重新报送期限"),
        required=False,
        help_text=_("退回时可设定；当天 23:59:59 前可重新报送。不设定则以报送截止时间为准。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("退回修改时请填写审核意见。"))
        return cleaned

    def accepts(self) -> bool:
        return self.cleaned_data["decision"] == "accept"

    def resubmit_by_datetime(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("resubmit_by")
        if not day:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


class CallForm(EmptyChoicePrompt, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("报送事项"), max_length=200)
    material = forms.CharField(label=_("报送材料"), max_length=200)
    audience = forms.ChoiceField(label=_("报送单位范围"), choices=Call.Audience.choices)
    receiver = forms.ModelChoiceField(
        label=_("接收单位"),
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.PROVINCIAL_BUREAU, Organisation.Kind.ASSOCIATION], is_active=True
        ),
    )
    deadline = forms.DateTimeField(
        label=_("截止时间"),
        help_text=_("北京时间，如 2022-04-30 23:59:59"),
        input_formats=["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(EmptyChoicePrompt, forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Organisation.objects.none())
    deadline = forms.DateTimeField(
        label=_("延长至"),
        help_text=_("北京时间，如 2022-05-10 23:59:59"),
        input_formats=["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("延期原因"), max_length=300)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
