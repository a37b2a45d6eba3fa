"""The association admin's pages: phase control, assignment, progress, ranking, objections, publication."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import AuditEvent
from accounts.services import audit
from documents.services import safe_filename
from portal.pages import error_messages
from portal.permissions import permission_required
from portal.uploads import XLSX, download_response

from .. import exports, selectors, services
from ..forms import (
    AnswerForm,
    AssignForm,
    AutoAssignForm,
    CampaignCreateForm,
    CampaignSettingsForm,
    CriterionFormSet,
    PhaseChangeForm,
    TieDecisionForm,
)
from ..models import PHASE_ORDER, Assignment, Campaign, ConflictOfInterest, Phase
from .common import campaign_or_404


def _experts():
    return selectors.experts()


@permission_required("selection.manage_campaign")
def manage_home(request):
    campaigns = selectors.campaigns()
    return render(
        request, "selection/manage_home.html", {"campaigns": campaigns, "current": selectors.current_campaign()}
    )


@permission_required("selection.manage_campaign")
def manage_campaign(request, year: int):
    campaign = campaign_or_404(year)
    next_phase = None
    if campaign.phase_index + 1 < len(PHASE_ORDER):
        next_phase = PHASE_ORDER[campaign.phase_index + 1]
    tied = selectors.tied_at_line(campaign=campaign)
    return render(
        request,
        "selection/manage_campaign.html",
        {
            "campaign": campaign,
            "next_phase": next_phase,
            "transitions": campaign.transitions.select_related("actor"),
            "progress": selectors.scoring_progress(campaign=campaign),
            "ranking": selectors.results_of(campaign=campaign),
            "deviations": selectors.expert_deviations(campaign=campaign),
            "objections": selectors.objections_with_answers(campaign=campaign),
            "answer_form": AnswerForm(),
            "snapshot": selectors.latest_snapshot(campaign=campaign),
            "criteria": selectors.criteria_of(campaign),
            "rules": services.published_rules(campaign),
            "released": selectors.released_assignments(campaign=campaign),
            "tie_form": TieDecisionForm(tied=tied) if tied.exists() else None,
            "tie_decisions": campaign.tie_decisions.select_related("actor"),
            "teachers": selectors.teacher_outcomes(campaign=campaign) if campaign.is_published else [],
            "flags": selectors.conflict_flags(campaign=campaign),
            "sealed": selectors.sealed_snapshot(campaign=campaign),
            "teaching_credits": selectors.teaching_credits_of(campaign=campaign) if campaign.is_published else [],
        },
    )


@permission_required("selection.manage_campaign")
def manage_phase(request, year: int, to_phase: str):
    """GET: the confirmation page (published schedule, what the change does, open anomalies and
    objections, courses lacking scores, teachers' outcomes). POST: the change, with its reason."""
    campaign = campaign_or_404(year)
    if to_phase not in Phase.values:
        raise Http404
    try:
        preview = services.phase_change_preview(campaign=campaign, to_phase=to_phase)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("selection:manage_campaign", year=year)
    form = PhaseChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.change_phase(
                campaign=campaign, to_phase=to_phase, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("已进入“%(phase)s”阶段。") % {"phase": campaign.get_phase_display()})
            return redirect("selection:manage_campaign", year=year)
    return render(request, "selection/manage_phase.html", {"campaign": campaign, "form": form, **preview})


@require_POST
@permission_required("selection.manage_campaign")
def manage_tie(request, year: int):
    campaign = campaign_or_404(year)
    form = TieDecisionForm(request.POST, tied=selectors.tied_at_line(campaign=campaign))
    if not form.is_valid():
        messages.error(request, _("请选择入选课程并填写裁定理由。"))
        return redirect("selection:manage_campaign", year=year)
    try:
        services.decide_tie(
            campaign=campaign,
            selected=[r.pk for r in form.cleaned_data["selected"]],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("并列裁定已记录，排名已重新计算。"))
    return redirect("selection:manage_campaign", year=year)


@require_POST
@permission_required("selection.manage_campaign")
def manage_answer(request, year: int, pk: int):
    objection = get_object_or_404(selectors.objections_of(year=year), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_objection(
                objection=objection,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("已答复异议。"))
    else:
        messages.error(request, _("请填写答复内容。"))
    return redirect("selection:manage_campaign", year=year)


@permission_required("selection.manage_campaign")
def manage_assignments(request, year: int):
    campaign = campaign_or_404(year)
    recs = selectors.candidates(campaign=campaign)
    assign_form = AssignForm(request.POST or None, recommendations=recs, experts=_experts())
    auto_form = AutoAssignForm(request.POST or None, initial={"per_course": campaign.experts_per_course})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "auto" and auto_form.is_valid():
                n = services.auto_assign(
                    campaign=campaign, per_course=auto_form.cleaned_data["per_course"], actor=request.user
                )
                messages.success(request, _("已自动分配 %(n)s 条评审任务。") % {"n": n})
                return redirect("selection:manage_assignments", year=year)
            if request.POST.get("action") == "assign" and assign_form.is_valid():
                services.assign_expert(actor=request.user, **assign_form.cleaned_data)
                messages.success(request, _("已分配评审专家。"))
                return redirect("selection:manage_assignments", year=year)
        except ValidationError as exc:
            error_messages(request, exc)
    rows = recs.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("expert", "score").order_by("id")),
        Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("expert").order_by("id")),
    )
    return render(
        request,
        "selection/manage_assignments.html",
        {
            "campaign": campaign,
            "rows": rows,
            "assign_form": assign_form,
            "auto_form": auto_form,
            "released": selectors.released_assignments(campaign=campaign),
        },
    )


@permission_required("selection.manage_campaign")
def manage_anomalies(request, year: int):
    campaign = campaign_or_404(year)
    hours = selectors.votes_per_hour(campaign=campaign)
    days = votes_per_day(hours)
    return render(
        request,
        "selection/manage_anomalies.html",
        {
            "campaign": campaign,
            "busiest": sorted(hours, key=lambda h: -h["n"])[:20],
            "days": days,
            "chart_height": len(days) * 26 + 4,
            "bursts": selectors.employer_bursts(campaign=campaign),
        },
    )


def votes_per_day(hours: list[dict]) -> list[dict]:
    """Votes per day (Beijing time) as horizontal bars that stay readable on a phone: one labelled
    bar per day of the last fourteen with votes, the width a share of the busiest day."""
    totals: dict = {}
    for h in hours:
        day = timezone.localtime(h["hour"]).date()
        totals[day] = totals.get(day, 0) + h["n"]
    recent = sorted(totals.items())[-14:]
    peak = max((n for _day, n in recent), default=0)
    return [
        {"day": day, "n": n, "y": i * 26, "width": round(n * 170 / peak) if peak else 0}
        for i, (day, n) in enumerate(recent)
    ]


def _xlsx_response(request, content: bytes, what: str, campaign: Campaign) -> HttpResponse:
    # A Chinese download name people recognise in their downloads folder.
    filename = safe_filename(f"{campaign.title}-{what}") + ".xlsx"
    audit(
        type=AuditEvent.Type.DATA_EXPORTED,
        actor=request.user,
        target=filename,
        request=request,
        data={"year": campaign.year},
    )
    return download_response(content, filename=filename, kind=XLSX)


@permission_required("selection.manage_campaign")
def manage_export_results(request, year: int):
    campaign = campaign_or_404(year)
    return _xlsx_response(request, exports.results_xlsx(campaign=campaign), _("评选结果"), campaign)


@permission_required("selection.manage_campaign")
def manage_export_scores(request, year: int):
    campaign = campaign_or_404(year)
    return _xlsx_response(request, exports.scores_xlsx(campaign=campaign), _("专家评分"), campaign)


@permission_required("selection.manage_campaign")
def manage_new(request):
    form = CampaignCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("评选活动已创建，请核对各阶段时间、权重和评审指标。"))
            return redirect("selection:manage_settings", year=campaign.year)
    return render(request, "selection/manage_new.html", {"form": form})


@permission_required("selection.manage_campaign")
def manage_settings(request, year: int):
    campaign = campaign_or_404(year)
    action = request.POST.get("action") if request.method == "POST" else None
    form = CampaignSettingsForm(request.POST if action == "settings" else None, instance=campaign)
    rubric = CriterionFormSet(
        request.POST if action == "rubric" else None,
        prefix="criteria",
        initial=[{"code": c.code, "label": c.label, "max_score": c.max_score} for c in selectors.criteria_of(campaign)],
    )
    try:
        if action == "settings" and form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "reason"}
            campaign.refresh_from_db()
            services.update_campaign_settings(
                campaign=campaign, actor=request.user, reason=form.cleaned_data["reason"], **fields
            )
            messages.success(request, _("评选设置已保存。"))
            return redirect("selection:manage_settings", year=year)
        if action == "rubric" and rubric.is_valid():
            rows = [f.cleaned_data for f in rubric.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            services.update_rubric(campaign=campaign, rows=rows, actor=request.user)
            messages.success(request, _("评审指标已保存。"))
            return redirect("selection:manage_settings", year=year)
    except ValidationError as exc:
        error_messages(request, exc)
        if getattr(exc, "code", None) == "reason_required":
            form.ask_reason()
    return render(
        request,
        "selection/manage_settings.html",
        {"campaign": campaign, "form": form, "rubric": rubric, "rubric_editable": campaign.phase == "recommendation"},
    )
