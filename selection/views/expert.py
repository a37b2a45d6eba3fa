"""The expert's pages: my assignments, the declaration before scoring, the scoring form, conflict
declaration."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import error_messages
from portal.permissions import permission_required

from .. import selectors, services
from ..forms import ConflictForm, ScoreForm
from ..models import ConflictOfInterest, Phase
from .common import campaign_or_404


def _my_assignments(request):
    """Every expert page reads through this: assignments a new conflict forbids are removed first."""
    return services.access_assignments(expert=request.user)


@permission_required("selection.review")
def expert_home(request):
    assignments = selectors.tasks_in_order(_my_assignments(request))
    for a in assignments:
        a.identities_hidden = selectors.identities_hidden(campaign=a.recommendation.campaign, user=request.user)
    campaigns = {a.recommendation.campaign.pk: a.recommendation.campaign for a in assignments}
    declared = set(selectors.declared_campaign_ids(expert=request.user))
    undeclared = [c for pk, c in campaigns.items() if pk not in declared and c.phase == Phase.REVIEW]
    return render(request, "selection/expert_home.html", {"assignments": assignments, "undeclared": undeclared})


@permission_required("selection.review")
def expert_declaration(request, year: int):
    """The declaration the expert confirms once per campaign before scoring."""
    campaign = campaign_or_404(year)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("请勾选“本人已阅读并遵守以上声明”。"))
        else:
            services.declare_review_principles(campaign=campaign, expert=request.user)
            messages.success(request, _("已确认评审专家声明。"))
            return redirect("selection:expert")
    return render(
        request,
        "selection/expert_declaration.html",
        {
            "campaign": campaign,
            "clauses": services.REVIEW_DECLARATION,
            "declaration": selectors.declaration_of(campaign=campaign, expert=request.user),
        },
    )


@permission_required("selection.review")
def expert_assignment(request, pk: int):
    assignment = get_object_or_404(_my_assignments(request), pk=pk)
    rec = assignment.recommendation
    campaign = rec.campaign
    criteria = selectors.criteria_of(campaign)
    existing = selectors.score_of(assignment)
    form = ScoreForm(
        request.POST or None,
        criteria=criteria,
        initial_values=existing.values if existing else None,
        initial={"comment": existing.comment if existing else ""},
    )
    declared = services.has_declared(campaign=campaign, expert=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_declared(campaign=campaign, expert=request.user)
            services.submit_score(
                assignment=assignment,
                expert=request.user,
                criteria=form.criteria_values(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("评分已提交。"))
            return redirect("selection:expert_assignment", pk=assignment.pk)
    others = []
    if selectors.other_scores_visible(campaign=campaign):
        others = selectors.other_scores(assignment)
    return render(
        request,
        "selection/expert_assignment.html",
        {
            "assignment": assignment,
            "rec": rec,
            "campaign": campaign,
            "score": existing,
            "form": form,
            "conflict_form": ConflictForm(),
            "others": others,
            "in_review": campaign.phase == Phase.REVIEW,
            "declared": declared,
            "identities_hidden": selectors.identities_hidden(campaign=campaign, user=request.user),
            "teachers": list(rec.course.teachers.all()),
        },
    )


@require_POST
@permission_required("selection.review")
def expert_conflict(request, pk: int):
    """申报回避 in two steps: the form (a reason is required for 其他), then a page saying what
    happens, and only its confirmation records the conflict."""
    assignment = get_object_or_404(_my_assignments(request), pk=pk)
    form = ConflictForm(request.POST)
    if form.is_valid() and request.POST.get("confirm") == "yes":
        try:
            services.declare_conflict(assignment=assignment, expert=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error_messages(request, exc)
            return redirect("selection:expert_assignment", pk=pk)
        messages.success(request, _("已申报回避，该课程不再由您评审。"))
        return redirect("selection:expert")
    rec = assignment.recommendation
    return render(
        request,
        "selection/expert_conflict.html",
        {
            "assignment": assignment,
            "rec": rec,
            "form": form,
            "confirming": form.is_valid(),
            "type_label": ConflictOfInterest.Type(form.cleaned_data["type"]).label if form.is_valid() else "",
            "has_score": selectors.score_of(assignment) is not None,
            "identities_hidden": selectors.identities_hidden(campaign=rec.campaign, user=request.user),
        },
    )
