"""Forms for the providers' management pages. They only collect input; services check the rules."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from portal.choices import PLEASE_CHOOSE, EmptyChoicePrompt
from portal.uploads import DOCX, PDF, validate_upload

from .models import Category, Course, LearningPlatform, StudyGuide, StudyGuideSection, Topic, WorkPlan
from .selectors import topic_years

WORK_PLAN_MAX_BYTES = 20 * 1024 * 1024


def _https_urls(field, **kwargs):
    """URL inputs without a scheme are taken as https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CourseForm(EmptyChoicePrompt, forms.ModelForm):
    teacher_names = forms.CharField(
        label=_("授课教师"),
        required=False,
        max_length=500,
        help_text=_("多位教师请用“、”分隔。"),
    )

    class Meta:
        formfield_callback = _https_urls
        model = Course
        fields = [
            "title",
            "category",
            "topic",
            "sector",
            "hours",
            "mode",
            "platform",
            "url",
            "description",
            "year_from",
            "year_to",
            "is_original",
            "copyright_holder",
            "place",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, provider: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["platform"].queryset = LearningPlatform.objects.filter(owner=provider)
        self.fields["topic"].queryset = Topic.objects.order_by("-year", "order")
        self.fields["topic"].label_from_instance = lambda t: f"{t.year} · {t.name}"
        self.fields["sector"].queryset = Organisation.objects.filter(kind=Organisation.Kind.INDUSTRY_DEPARTMENT)
        if self.instance.pk:
            self.fields["teacher_names"].initial = "、".join(t.name for t in self.instance.teachers.all())

    def _post_clean(self):
        # Rules are checked by services.validate_course, not by the model's own full_clean here.
        pass

    def teacher_list(self) -> list[str]:
        raw = self.cleaned_data.get("teacher_names", "")
        return [n for n in raw.replace(",", "、").replace("，", "、").split("、") if n.strip()]

    def course_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields if f in self.cleaned_data}


class PlatformForm(EmptyChoicePrompt, forms.ModelForm):
    class Meta:
        formfield_callback = _https_urls
        model = LearningPlatform
        fields = ["name", "url", "audience", "department", "notes", "is_active"]

    def _post_clean(self):
        pass


class GuideForm(EmptyChoicePrompt, forms.ModelForm):
    class Meta:
        model = StudyGuide
        fields = ["year", "title", "hours_requirement", "learning_forms", "related_requirements"]
        widgets = {
            "hours_requirement": forms.Textarea(attrs={"rows": 4}),
            "learning_forms": forms.Textarea(attrs={"rows": 4}),
            "related_requirements": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"title": _("留空则为“XXXX年度专业技术人员继续教育指南”。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False

    def _post_clean(self):
        pass


class SectionForm(EmptyChoicePrompt, forms.Form):
    parent = forms.ModelChoiceField(label=_("上级标题"), queryset=StudyGuideSection.objects.none(), required=False)
    heading = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, guide: StudyGuide, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = guide.sections.filter(level__lt=3).order_by("level", "order", "id")
        self.fields["parent"].label_from_instance = lambda s: f"{'—' * (s.level - 1)}{s.heading}"
        self.fields["parent"].empty_label = _("（无，作为第一层次标题）")


class WorkPlanForm(EmptyChoicePrompt, forms.ModelForm):
    class Meta:
        model = WorkPlan
        fields = ["year", "title", "content", "file"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"file": _("可选，Word 或 PDF，不超过 20 MB。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and hasattr(file, "content_type"):
            validate_upload(file, allowed={PDF, DOCX}, max_bytes=WORK_PLAN_MAX_BYTES)
        return file

    def _post_clean(self):
        pass


class TrainingForm(EmptyChoicePrompt, forms.Form):
    """One offline training of a work plan; a row left empty is skipped."""

    title = forms.CharField(label=_("培训名称"), max_length=200, required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, required=False)
    category = forms.ChoiceField(label=_("科目类别"), choices=[("", PLEASE_CHOOSE), *Category.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("title") and (data.get("hours") is None or not data.get("category")):
            raise forms.ValidationError(_("请填写该培训的学时和科目类别。"))
        return data


TrainingFormSet = forms.formset_factory(TrainingForm, extra=3, max_num=200, validate_max=True)


def trainings_from(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("title")]


class PlanDecisionForm(forms.Form):
    """No decision is preselected (as in the submission review): the reviewer chooses one, and it
    stays chosen when the form comes back with an error; returning needs a reason."""

    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("approve", _("同意")), ("return", _("退回"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结果（同意或退回）。")},
    )
    reason = forms.CharField(label=_("意见/退回理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    approved_on_arrival = forms.BooleanField(
        label=_("同意时：本计划线下培训学时登记即生效（不经用人单位审核）"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("退回时必须填写理由。"))
        return cleaned

    def approves(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class TopicForm(EmptyChoicePrompt, forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["year", "group", "name", "order"]

    def _post_clean(self):
        pass


class CopyTopicsForm(forms.Form):
    from_year = forms.TypedChoiceField(label=_("从年度"), coerce=int, choices=())
    to_year = forms.IntegerField(label=_("复制到年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_year"].choices = [(y, y) for y in topic_years()]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("课程表（.xlsx）"))


class TeacherForm(EmptyChoicePrompt, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    professional_title = forms.CharField(label=_("职称"), max_length=64, required=False)
    current_unit = forms.ModelChoiceField(
        label=_("工作单位"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("请选择平台已登记的单位；用于识别评审专家与授课教师的同单位回避。"),
    )
    former_units = forms.ModelMultipleChoiceField(
        label=_("曾任职单位"), queryset=Organisation.objects.filter(is_active=True).order_by("name"), required=False
    )
    unit = forms.CharField(
        label=_("工作单位（平台未登记时填写）"),
        max_length=128,
        required=False,
        help_text=_("仅在上面找不到该单位时填写名称。"),
    )
    bio = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    id_number = forms.CharField(
        label=_("身份证号（申请关联本人账号）"),
        max_length=18,
        required=False,
        help_text=_("教师本人在“我的授课”页面确认后关联生效，入选优质课程时按课程学时的2倍计入其继续教育学时。"),
    )
