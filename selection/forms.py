"""Forms of the evaluation pages; validation of rules stays in services."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.choices import EmptyChoicePrompt
from portal.formats import format_score

from .models import Campaign, ConflictOfInterest, Criterion, Recommendation
from .services.campaigns import SETTING_FIELDS

DATETIME_FIELDS = (
    "recommendation_deadline",
    "review_start",
    "review_end",
    "voting_start",
    "voting_end",
    "objection_start",
    "objection_end",
)


class CampaignCreateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=200, required=False, help_text=_("留空则自动生成。"))


class PercentInput(forms.NumberInput):
    """A number typed as a percentage, with the "%" written after the box."""

    template_name = "selection/widgets/percent.html"


def percent_field(label) -> forms.DecimalField:
    """A weight entered as a percentage (70 means 0.700, the stored fraction)."""
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        decimal_places=1,
        widget=PercentInput(attrs={"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}),
        error_messages={
            "max_value": _("请填写 0 到 100 之间的百分数。"),
            "min_value": _("请填写 0 到 100 之间的百分数。"),
            "max_decimal_places": _("百分数最多保留 1 位小数。"),
        },
    )


class CampaignSettingsForm(EmptyChoicePrompt, forms.ModelForm):
    # Asked for only when the change cuts the current window or the 公示 short (the service says so).
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("此修改会提前结束当前阶段或缩短结果公示期，请说明理由（记入操作日志）。"),
    )

    class Meta:
        model = Campaign
        fields = list(SETTING_FIELDS)
        # Seconds are kept: a deadline is "23:59:59" (the whole last second counts).
        widgets = {
            name: forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S")
            for name in DATETIME_FIELDS
        }

    def __init__(self, *args, ask_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Weights are stored as fractions (0.700) and entered and shown as percentages (70%).
        for name in WEIGHT_FIELDS:
            self.fields[name] = percent_field(format_lazy("{}（%）", Campaign._meta.get_field(name).verbose_name))
            self.fields[name].help_text = _("按百分比填写，两项权重之和为 100%。")
            self.initial[name] = f"{(getattr(self.instance, name) * 100).normalize():f}"
        if ask_reason or (self.data.get("reason") or "").strip():
            self.ask_reason()

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(name) for name in WEIGHT_FIELDS]
        if None not in weights and sum(weights) != 100:
            total = f"{sum(weights).normalize():f}"
            self.add_error(
                "vote_weight",
                ValidationError(
                    _("专家评审权重与网络投票权重之和必须为 100%%（现为 %(total)s%%）。") % {"total": total},
                    code="weights_sum",
                ),
            )
        for name, value in zip(WEIGHT_FIELDS, weights, strict=True):
            if value is not None and name in cleaned:
                cleaned[name] = (value / 100).quantize(Decimal("0.001"))
        return cleaned

    def ask_reason(self) -> None:
        self.fields["reason"].widget = forms.Textarea(attrs={"rows": 2})


WEIGHT_FIELDS = ("expert_weight", "vote_weight")


class CriterionForm(forms.Form):
    # The code keys the stored scores; staff never see or type it (a new row gets one on saving).
    code = forms.SlugField(max_length=32, required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("评审指标"), max_length=100)
    max_score = forms.DecimalField(label=_("满分（分值）"), max_digits=5, decimal_places=1, min_value=Decimal("0.1"))


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        used = {row["code"] for row in rows if row.get("code")}
        number = 0
        for row in rows:
            while not row.get("code"):
                number += 1
                if f"k{number}" not in used:
                    row["code"] = f"k{number}"
                    used.add(row["code"])


CriterionFormSet = forms.formset_factory(CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True)


class RecommendationForm(EmptyChoicePrompt, forms.ModelForm):
    study_url = forms.URLField(label=_("学习网址"), max_length=300, assume_scheme="https")

    class Meta:
        model = Recommendation
        fields = [
            "course",
            "intro",
            "teacher_intro",
            "is_original",
            "copyright",
            "learner_count",
            "rating",
            "study_url",
            "test_account",
            "test_password",
            "notes",
            "filler_name",
            "filler_phone",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 5}),
            "teacher_intro": forms.Textarea(attrs={"rows": 3}),
            # Write-only: the stored password is shown only to the assigned experts and the association.
            "test_password": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        }

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.test_password:
            self.fields["test_password"].help_text = _("已保存的测试密码不显示；留空则保持不变。")
        self.fields["intro"].help_text = _("只写课程内容；匿名评审时专家只看到这一部分，请勿写入单位和教师姓名。")
        self.fields["teacher_intro"].help_text = _("授课教师及团队介绍（匿名评审时对专家隐藏）。")
        self.fields["learner_count"].required = True
        self.fields["rating"].required = True
        if courses is None:
            del self.fields["course"]
        else:
            self.fields["course"].queryset = courses
            self.fields["course"].help_text = _("只能选择本单位学习平台上已上线的公需课。")


class LicenceForm(forms.Form):
    licence = forms.FileField(label=_("版权授权书（PDF）"))


class PledgeForm(forms.Form):
    signatory = forms.CharField(label=_("单位负责人"), max_length=64)
    signed_on = forms.DateField(label=_("签署日期"), widget=forms.DateInput(attrs={"type": "date"}))
    owns_full_ip = forms.BooleanField(
        label=_("我单位对上述课程（包括但不限于文档、源文件、图片、视频等）拥有完全的知识产权"), required=False
    )
    no_plagiarism = forms.BooleanField(label=_("无剽窃、抄袭等侵犯他人知识产权现象"), required=False)
    bears_liability = forms.BooleanField(label=_("如引起任何法律纠纷，其法律责任由本单位承担"), required=False)
    scan = forms.FileField(label=_("盖章承诺书扫描件（PDF）"), required=False)


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("评审意见"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, criteria: list[Criterion], initial_values: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c_{c.code}"] = forms.DecimalField(
                label=f"{c.label}（0–{format_score(c.max_score)} 分）",
                min_value=0,
                max_value=c.max_score,
                decimal_places=1,
                initial=(initial_values or {}).get(c.code),
                # The page adds the points up as the expert types (static/js/score-total.js).
                widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": c.max_score, "data-points": ""}),
            )
        self.order_fields([f"c_{c.code}" for c in criteria] + ["comment"])

    def criteria_values(self) -> dict:
        return {c.code: str(self.cleaned_data[f"c_{c.code}"]) for c in self.criteria}


class ConflictForm(EmptyChoicePrompt, forms.Form):
    type = forms.ChoiceField(
        label=_("回避类型"),
        # No type is preset: the expert picks one (请选择).
        choices=[("", ""), *ConflictOfInterest.Type.choices],
        error_messages={"required": _("请选择回避类型。"), "invalid_choice": _("请选择回避类型。")},
    )
    reason = forms.CharField(
        label=_("说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("选择“其他（本人申报）”时必填。"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == ConflictOfInterest.Type.DECLARED and not cleaned.get("reason", "").strip():
            message = _("选择“其他（本人申报）”时请填写回避理由。")
            self.add_error("reason", ValidationError(message, code="reason_required"))
        return cleaned


class AssignForm(EmptyChoicePrompt, forms.Form):
    recommendation = forms.ModelChoiceField(label=_("推荐课程"), queryset=Recommendation.objects.none())
    expert = forms.ModelChoiceField(label=_("评审专家"), queryset=None)

    def __init__(self, *args, recommendations, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = recommendations
        self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = lambda u: u.display_name


class AutoAssignForm(forms.Form):
    per_course = forms.IntegerField(label=_("每门课程专家数"), min_value=1, max_value=20)


class PhaseChangeForm(EmptyChoicePrompt, forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("提前结束当前阶段，或有课程专家评分不足时进入网络投票，须填写理由。"),
    )


class TieDecisionForm(forms.Form):
    selected = forms.ModelMultipleChoiceField(
        label=_("裁定入选的课程"), queryset=Recommendation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("裁定理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, tied, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = tied
        self.fields["selected"].label_from_instance = lambda r: f"{r.course.title}（{r.organisation.name}）"


class ObjectionForm(EmptyChoicePrompt, forms.Form):
    recommendation = forms.ModelChoiceField(label=_("涉及课程"), queryset=Recommendation.objects.none(), required=False)
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = recommendations
        # Several courses share a title: each is named with its recommending unit.
        self.fields["recommendation"].label_from_instance = lambda r: f"{r.course.title}（{r.organisation.name}）"


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("修改理由"),
        required=False,
        max_length=500,
        help_text=_("修改已有答复时必填；原答复会保留并向异议人显示。"),
    )
