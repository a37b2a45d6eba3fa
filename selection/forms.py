"""Forms of the evaluation pages; validation of rules stays in services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Campaign, ConflictOfInterest, Criterion, Phase, Recommendation
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


class CampaignSettingsForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = list(SETTING_FIELDS)
        widgets = {
            name: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            for name in DATETIME_FIELDS
        }


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=32)
    label = forms.CharField(label=_("评审指标"), max_length=100)
    max_score = forms.DecimalField(label=_("满分"), max_digits=5, decimal_places=1, min_value=Decimal("0.1"))
    weight = forms.DecimalField(label=_("权重"), max_digits=5, decimal_places=2, min_value=0)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)


class RecommendationForm(forms.ModelForm):
    study_url = forms.URLField(label=_("学习网址"), max_length=300, assume_scheme="https")

    class Meta:
        model = Recommendation
        fields = [
            "course",
            "intro",
            "study_url",
            "test_account",
            "test_password",
            "notes",
            "filler_name",
            "filler_phone",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 6}),
            # Write-only: the stored password is shown only to the assigned experts and the association.
            "test_password": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        }

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.test_password:
            self.fields["test_password"].help_text = _("已保存的测试密码不显示；留空则保持不变。")
        if courses is None:
            del self.fields["course"]
        else:
            self.fields["course"].queryset = courses
            self.fields["course"].help_text = _("只能选择本单位学习平台上已上线的公需课。")


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
                label=f"{c.label}（0–{c.max_score}）",
                min_value=0,
                max_value=c.max_score,
                decimal_places=1,
                initial=(initial_values or {}).get(c.code),
            )
        self.order_fields([f"c_{c.code}" for c in criteria] + ["comment"])

    def criteria_values(self) -> dict:
        return {c.code: str(self.cleaned_data[f"c_{c.code}"]) for c in self.criteria}


class ConflictForm(forms.Form):
    type = forms.ChoiceField(label=_("回避类型"), choices=ConflictOfInterest.Type.choices)
    reason = forms.CharField(label=_("说明"), max_length=300, required=False)


class AssignForm(forms.Form):
    recommendation = forms.ModelChoiceField(label=_("推荐课程"), queryset=Recommendation.objects.none())
    expert = forms.ModelChoiceField(label=_("评审专家"), queryset=None)

    def __init__(self, *args, recommendations, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = recommendations
        self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = lambda u: u.display_name


class AutoAssignForm(forms.Form):
    per_course = forms.IntegerField(label=_("每门课程专家数"), min_value=1, max_value=20)


class PhaseForm(forms.Form):
    to_phase = forms.ChoiceField(choices=[(p.value, p.label) for p in (Phase.REVIEW, Phase.VOTING, Phase.OBJECTION)])


class ObjectionForm(forms.Form):
    recommendation = forms.ModelChoiceField(label=_("涉及课程"), queryset=Recommendation.objects.none(), required=False)
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = recommendations


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))
