"""CE bases' work plans (submit, resubmit) and their managing units' decisions; topics for provincial staff."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.bounds import whole_number
from portal.pages import add_errors, error_messages, paginate
from portal.permissions import SIGNED_IN, permission_required
from portal.uploads import attachment_response

from .. import selectors, services
from ..forms import CopyTopicsForm, PlanDecisionForm, TopicForm, TrainingFormSet, WorkPlanForm, trainings_from
from ..models import Topic, WorkPlan
from .common import acting_unit, units


@permission_required("courses.manage_work_plans")
def work_plans(request):
    ids = selectors.base_ids(request.user)
    base = acting_unit(request, ids)
    plans = selectors.work_plans_of_bases(request.user).order_by("-year", "base__name")
    return render(
        request,
        "courses/work_plans.html",
        {"page": paginate(request, plans), "base": base, "units": units(ids)},
    )


@permission_required("courses.manage_work_plans")
def work_plan_new(request):
    """The plan form on its own page (submit, or resubmit a returned plan of the same year)."""
    ids = selectors.base_ids(request.user)
    base = acting_unit(request, ids)
    form = WorkPlanForm(request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year})
    trainings = TrainingFormSet(request.POST or None, prefix="trainings")
    if request.method == "POST" and form.is_valid() and trainings.is_valid():
        data = form.cleaned_data
        try:
            services.submit_work_plan(
                actor=request.user,
                base=base,
                year=data["year"],
                title=data.get("title") or "",
                content=data.get("content") or "",
                file=data.get("file"),
                trainings=trainings_from(trainings),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("年度工作计划已报送管理单位。"))
            return redirect("courses:work_plans")
    return render(request, "courses/work_plan_form.html", {"form": form, "trainings": trainings, "base": base})


@permission_required(SIGNED_IN)
def work_plan_file(request, pk: int):
    plan = get_object_or_404(selectors.work_plans_visible_to(request.user), pk=pk)
    if not plan.file:
        return redirect("courses:work_plans")
    return attachment_response(plan.file, f"{plan.title}.{plan.file.name.rsplit('.', 1)[-1]}")


@permission_required("courses.decide_work_plans")
def plan_reviews(request):
    plans = selectors.work_plans_to_decide(request.user).order_by("status", "-year", "base__name")
    status = request.GET.get("status")
    if status in WorkPlan.Status.values:
        plans = plans.filter(status=status)
    return render(
        request,
        "courses/plan_reviews.html",
        {"page": paginate(request, plans), "statuses": WorkPlan.Status.choices, "status": status},
    )


@permission_required("courses.decide_work_plans")
def plan_decide(request, pk: int):
    plan = get_object_or_404(selectors.work_plans_to_decide(request.user), pk=pk)
    form = PlanDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST" and not form.is_valid():
        # Back to the page with the reviewer's choice and text kept, and the error beside the field.
        status = 422
    elif request.method == "POST":
        if form.approves() and request.POST.get("confirmed") != "1":
            # An approval is final (the base cannot change the plan any more): confirmed first.
            return render(request, "courses/plan_decide_confirm.html", {"plan": plan, "form": form})
        try:
            services.decide_work_plan(
                actor=request.user,
                plan=plan,
                approve=form.approves(),
                reason=form.cleaned_data["reason"],
                approved_on_arrival=form.cleaned_data["approved_on_arrival"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            status = 422
        else:
            messages.success(request, _("已同意该工作计划。") if form.approves() else _("已退回该工作计划。"))
            return redirect("courses:plan_reviews")
    context = {"plan": plan, "form": form, "trainings": plan.trainings.all()}
    return render(request, "courses/plan_decide.html", context, status=status)


@permission_required("courses.manage_topics")
def topics(request):
    years = selectors.topic_years()
    wanted = request.GET.get("year")
    # A year that is no number lists nothing (year 0), as an absurd one does.
    year = (whole_number(wanted) or 0) if wanted else (years[0] if years else timezone.localdate().year)
    form = TopicForm(request.POST or None, initial={"year": year}, prefix="topic")
    copy_form = CopyTopicsForm(initial={"to_year": year + 1}, prefix="copy")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_topic(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("专题已保存。"))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    return render(
        request,
        "courses/topics.html",
        {
            "topics": selectors.topics_for_year(year=year),
            "year": year,
            "years": years,
            "form": form,
            "copy_form": copy_form,
        },
    )


@require_POST
@permission_required("courses.manage_topics")
def topics_copy(request):
    form = CopyTopicsForm(request.POST, prefix="copy")
    if form.is_valid():
        try:
            added = services.copy_topics_to_year(
                actor=request.user, from_year=form.cleaned_data["from_year"], to_year=form.cleaned_data["to_year"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("已复制 %(n)s 个专题。") % {"n": added})
            return redirect(f"{reverse('courses:topics')}?year={form.cleaned_data['to_year']}")
    else:
        messages.error(request, _("请选择正确的年度。"))
    return redirect("courses:topics")


@permission_required("courses.manage_topics")
def topic_edit(request, pk: int):
    topic = get_object_or_404(Topic, pk=pk)
    form = TopicForm(request.POST or None, instance=topic, prefix="topic")
    if request.method == "POST":
        if request.POST.get("delete"):
            try:
                services.delete_topic(actor=request.user, topic=topic)
            except ValidationError as exc:
                error_messages(request, exc)
                return redirect("courses:topic_edit", pk=topic.pk)
            messages.success(request, _("专题已删除。"))
            return redirect(f"{reverse('courses:topics')}?year={topic.year}")
        if form.is_valid():
            try:
                services.save_topic(actor=request.user, topic=topic, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("专题已保存。"))
                return redirect(f"{reverse('courses:topics')}?year={topic.year}")
    return render(request, "courses/topic_form.html", {"form": form, "topic": topic})
