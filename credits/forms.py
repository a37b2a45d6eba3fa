"""Forms of the hour pages. Rules stay in services; forms only shape input."""

import datetime

from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from courses.models import Category, Topic
from portal.bounds import whole_number
from portal.choices import EmptyChoicePrompt
from portal.uploads import JPEG, PDF, PNG, XLSX, validate_upload

from .models import ConversionRule, Requirement, YearPolicy
from .selectors.requirements import (
    COURSE_MATCHES,
    requirable_course_matches,
    requirable_courses,
    sector_employers,
)


def proof_max_bytes() -> int:
    return getattr(settings, "CREDITS_PROOF_MAX_BYTES", 5 * 1024 * 1024)


def import_max_bytes() -> int:
    return getattr(settings, "CREDITS_IMPORT_MAX_BYTES", 10 * 1024 * 1024)


class SelfReportForm(forms.Form):
    """Either an activity converted by one of the year's rules, or hours of a training directly."""

    conversion_rule = forms.ModelChoiceField(
        label=_("活动类型（折算规则）"),
        queryset=ConversionRule.objects.none(),
        required=False,
        empty_label=_("不使用折算规则，直接填写学时"),
    )
    quantity = forms.DecimalField(label=_("数量"), max_digits=6, decimal_places=1, min_value=0, required=False)
    category = forms.ChoiceField(label=_("科目类别"), choices=[("", "—"), *Category.choices], required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, required=False)
    title = forms.CharField(label=_("培训或活动名称"), max_length=200)
    completed_on = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    proof = forms.FileField(label=_("证明材料（PDF、JPG、PNG）"))

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["conversion_rule"].queryset = ConversionRule.objects.filter(policy__year=year)

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        validate_upload(proof, allowed={PDF, JPEG, PNG}, max_bytes=proof_max_bytes())
        return proof

    def clean(self):
        data = super().clean()
        if data.get("conversion_rule"):
            if not data.get("quantity") and "quantity" not in self.errors:
                self.add_error("quantity", _("请填写数量。"))
        else:
            if not data.get("category"):
                self.add_error("category", _("请选择科目类别。"))
            if data.get("hours") in (None, "") and "hours" not in self.errors:
                self.add_error("hours", _("请填写学时。"))
        return data


class ResubmitForm(SelfReportForm):
    """A returned self-report corrected: the same fields, filled in from the returned version; a
    new proof file only if the old one was the problem."""

    def __init__(self, *args, returned, **kwargs):
        initial = {
            "conversion_rule": returned.conversion_rule_id,
            "quantity": returned.quantity,
            "category": "" if returned.conversion_rule_id else returned.category,
            "hours": None if returned.conversion_rule_id else returned.hours,
            "title": returned.title,
            # ISO, as <input type="date"> reads it (the localised format would leave it empty).
            "completed_on": returned.completed_on.isoformat(),
        }
        super().__init__(*args, year=returned.year, initial=initial, **kwargs)
        self.fields["proof"].required = False
        self.fields["proof"].label = _("证明材料（PDF、JPG、PNG；不上传则沿用上一版的证明材料）")

    def clean_proof(self):
        if not self.cleaned_data.get("proof"):
            return None
        return super().clean_proof()


class DecisionForm(forms.Form):
    """A decision on a pending record: chosen explicitly (no default), a reason to return it, and
    an approval confirmed on its own page, since an approved record cannot be taken back."""

    APPROVE = "approve"
    REJECT = "reject"

    action = forms.ChoiceField(
        label=_("审核结果"),
        choices=[(APPROVE, _("通过")), (REJECT, _("退回修改"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结果：通过或退回修改。")},
    )
    reason = forms.CharField(
        label=_("理由（退回时必填）"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["reason"] = data.get("reason", "").strip()
        if data.get("action") == self.REJECT and not data["reason"]:
            self.add_error("reason", _("退回修改时请填写理由，告诉申报人需要补充或修改什么。"))
        return data


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("冲正理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或身份证号后四位"), required=False, max_length=64)
    compliant = forms.ChoiceField(
        label=_("达标情况"), required=False, choices=[("", _("全部")), ("1", _("已达标")), ("0", _("未达标"))]
    )
    department = forms.ChoiceField(label=_("科室/部门"), required=False)
    missing = forms.ChoiceField(
        label=_("缺少学时"),
        required=False,
        choices=[("", _("不限")), (Category.PUBLIC, _("公需课不足")), (Category.PROFESSIONAL, _("专业课不足"))],
    )

    def __init__(self, *args, departments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部")), *[(d, d) for d in departments]]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("学时记录表（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed={XLSX}, max_bytes=import_max_bytes())
        return upload


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("验证码"), max_length=32)


class YearPolicyForm(EmptyChoicePrompt, forms.ModelForm):
    class Meta:
        model = YearPolicy
        fields = [
            "year",
            "min_total",
            "min_public",
            "min_professional",
            "teaching_credit_multiplier",
            "teaching_credit_category",
            "closes_on",
            "grace_from",
            "grace_until",
            "review_threshold",
            "self_report_bureau_threshold",
            "mandatory_binding",
            "notes",
        ]
        widgets = {
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "grace_from": forms.DateInput(attrs={"type": "date"}),
            "grace_until": forms.DateInput(attrs={"type": "date"}),
        }

    def _non_negative(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and value < 0:
            raise forms.ValidationError(_("学时下限不能为负数。"), code="negative")
        return value

    def clean_min_total(self):
        return self._non_negative("min_total")

    def clean_min_public(self):
        return self._non_negative("min_public")

    def clean_min_professional(self):
        return self._non_negative("min_professional")

    def _clean_calendar(self, data):
        """The calendar of the year (services.calendar): closing on or after 31 December of the year;
        a grace window starts inside the year and ends in the next one."""
        year, closes_on = data.get("year"), data.get("closes_on")
        grace_from, grace_until = data.get("grace_from"), data.get("grace_until")
        if not year:
            return
        if closes_on and closes_on < datetime.date(year, 12, 31):
            self.add_error("closes_on", _("登记截止日期不能早于%(year)s年12月31日。") % {"year": year})
        if bool(grace_from) != bool(grace_until):
            self.add_error("grace_until", _("宽限期的起止日期须同时填写。"))
        elif grace_from:
            if grace_from.year != year:
                self.add_error("grace_from", _("宽限期适用的完成日期须在%(year)s年内。") % {"year": year})
            if grace_until.year != year + 1:
                self.add_error("grace_until", _("宽限期登记截止日期须在%(next)s年内。") % {"next": year + 1})
            if not closes_on:
                self.add_error("closes_on", _("设置宽限期时须同时设置登记截止日期。"))
        threshold = data.get("review_threshold")
        if threshold is not None and threshold <= 0:
            self.add_error("review_threshold", _("复核阈值必须大于0。"))
        threshold = data.get("self_report_bureau_threshold")
        if threshold is not None and threshold <= 0:
            self.add_error("self_report_bureau_threshold", _("个人申报转市人社局审核阈值必须大于0。"))

    def clean_teaching_credit_multiplier(self):
        value = self.cleaned_data.get("teaching_credit_multiplier")
        if value is not None and value <= 0:
            raise forms.ValidationError(_("授课教师学时倍数必须大于0。"), code="not_positive")
        return value

    def clean(self):
        data = super().clean()
        parts = (data.get("min_public") or 0) + (data.get("min_professional") or 0)
        if data.get("min_total") is not None and parts > data["min_total"]:
            self.add_error("min_total", _("总学时下限不能小于公需课与专业课下限之和。"))
        self._clean_calendar(data)
        return data


class ConversionRuleForm(EmptyChoicePrompt, forms.ModelForm):
    class Meta:
        model = ConversionRule
        fields = ["name", "unit", "hours_per_unit", "max_units", "category", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, one unit per record (the model's default); no initial, so an empty extra row
        # stays unchanged.
        self.fields["max_units"].required = False
        self.fields["max_units"].initial = None

    def clean_max_units(self):
        value = self.cleaned_data.get("max_units")
        if value is None:
            return ConversionRule._meta.get_field("max_units").default
        if value <= 0:
            raise forms.ValidationError(_("每条申报最多数量必须大于0。"), code="not_positive")
        return value

    def clean_hours_per_unit(self):
        value = self.cleaned_data.get("hours_per_unit")
        if value is not None and value <= 0:
            raise forms.ValidationError(_("每单位学时必须大于0。"), code="not_positive")
        return value


ConversionRuleFormSet = inlineformset_factory(
    YearPolicy,
    ConversionRule,
    form=ConversionRuleForm,
    fields=["name", "unit", "hours_per_unit", "max_units", "category", "order"],
    extra=2,
    # Rules already used by records are kept (records store their own hours); no deleting here.
    can_delete=False,
)


class RequirementForm(EmptyChoicePrompt, forms.Form):
    """A department's or city bureau's mandatory learning for one year (rules in services.set_requirement).

    The required course is picked among the catalogue's matches for the typed search, and the topics
    are the chosen year's: a refresh (搜索 or the year's 刷新 button) re-renders the form with what was
    typed, without saving (views.requirements)."""

    year = forms.IntegerField(
        label=_("年度"),
        min_value=2000,
        max_value=2100,
        help_text=_("更改年度后点击“刷新”，下面的专题和课程随之更新为该年度的。"),
    )
    kind = forms.ChoiceField(label=_("要求类型"), choices=Requirement.Kind.choices)
    course_query = forms.CharField(
        label=_("搜索课程"),
        required=False,
        max_length=100,
        help_text=_("输入课程名称、提供单位或课程编号，点击“搜索”，再从结果中选择。"),
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    # Rendered as radio buttons by the template from `course_choices`; services.set_requirement
    # decides which courses a requirement may name (a forged number gets its error there).
    course = forms.IntegerField(label=_("指定课程"), required=False, min_value=1, widget=forms.HiddenInput)
    topic = forms.ModelChoiceField(label=_("专题"), queryset=Topic.objects.none(), required=False)
    min_hours = forms.DecimalField(label=_("专题最低学时"), max_digits=5, decimal_places=1, required=False)
    employers = forms.ModelMultipleChoiceField(
        label=_("适用的本行业单位"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, for_department: bool, department: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen_year = self._chosen_year()
        self.fields["topic"].queryset = Topic.objects.filter(year=self.chosen_year).order_by("order", "id")
        self.fields["topic"].error_messages["invalid_choice"] = _("请选择%(year)s年度的专题。") % {
            "year": self.chosen_year
        }
        if for_department:
            # Only the department's own sector (services.requirements checks it again).
            self.fields["employers"].queryset = sector_employers(department).order_by("city", "name")
        else:
            del self.fields["employers"]

    def _raw(self, name: str):
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def _chosen_year(self) -> int:
        year = whole_number(str(self._raw("year") or ""))
        if year is not None and 2000 <= year <= 2100:
            return year
        return self.initial.get("year") or timezone.localdate().year

    @cached_property
    def course_matches(self) -> list:
        """The catalogue's courses for the typed search that a requirement of the year may name."""
        return requirable_course_matches(year=self.chosen_year, text=str(self._raw("course_query") or ""))

    @cached_property
    def course_choices(self) -> list:
        """The matches, the chosen course first (kept when the search changes), at most COURSE_MATCHES."""
        chosen = whole_number(str(self._raw("course") or ""))
        courses = self.course_matches[:COURSE_MATCHES]
        if chosen is not None and all(c.pk != chosen for c in courses):
            kept = requirable_courses(year=self.chosen_year).filter(pk=chosen).select_related("provider").first()
            if kept is not None:
                courses = [kept, *courses]
        return courses

    @property
    def chosen_course(self) -> int | None:
        return whole_number(str(self._raw("course") or ""))

    @property
    def more_matches(self) -> bool:
        return len(self.course_matches) > COURSE_MATCHES
