"""Public pages: the evaluation's landing page, candidates, results, teacher pool, objections."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.pages import error_messages, paginate
from portal.permissions import SIGNED_IN, permission_required, public

from .. import selectors, services
from ..forms import ObjectionForm
from .common import campaign_or_404

# Rows per page of the public lists (longer than settings.PAGINATE_BY: read, not worked through).
CANDIDATES_PER_PAGE = 50
TEACHERS_PER_PAGE = 50


@public
def index(request):
    campaigns = list(selectors.campaigns())
    current = selectors.current_campaign()
    return render(
        request,
        "selection/index.html",
        {
            "campaigns": campaigns,
            "current": current,
            "voting_state": selectors.voting_state(campaign=current) if current else None,
        },
    )


@public
def candidates(request, year: int):
    campaign = campaign_or_404(year)
    page = paginate(request, selectors.candidates_with_votes(campaign=campaign), CANDIDATES_PER_PAGE)
    return render(
        request,
        "selection/candidates.html",
        {
            "campaign": campaign,
            "page": page,
            "show_votes": selectors.vote_counts_visible(campaign=campaign, user=request.user),
            "identities_hidden": selectors.identities_hidden(campaign=campaign, user=request.user),
        },
    )


@public
def results(request, year: int):
    """Nothing before the public notice (公示); the proposed list, marked not final, during it;
    the final list once published. The same for everyone, and the same as the API."""
    campaign = campaign_or_404(year)
    view = selectors.public_results_view(campaign=campaign)
    return render(
        request,
        "selection/results.html",
        {
            "campaign": campaign,
            "title": view["title"] if view else campaign.title,
            "rows": view["rows"] if view else None,
            "rules": view["rules"] if view else [],
            "corrections": view["corrections"] if view else [],
            "answered_objections": selectors.public_objection_answers(campaign=campaign),
        },
    )


@public
def teacher_pool(request):
    search = request.GET.get("q", "").strip()
    page = paginate(request, selectors.teacher_pool(search=search), TEACHERS_PER_PAGE)
    return render(request, "selection/teacher_pool.html", {"page": page, "search": search})


@permission_required(SIGNED_IN)
def objection_new(request, year: int):
    campaign = campaign_or_404(year)
    form = ObjectionForm(request.POST or None, recommendations=selectors.candidates(campaign=campaign))
    if request.method == "POST" and form.is_valid():
        try:
            services.file_objection(
                campaign=campaign,
                user=request.user,
                reason=form.cleaned_data["reason"],
                recommendation=form.cleaned_data["recommendation"],
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("异议已提交，协会将逐一答复，答复在“我的异议”中查看。"))
            return redirect("selection:my_objections")
    return render(request, "selection/objection_form.html", {"campaign": campaign, "form": form})


@permission_required(SIGNED_IN)
def my_objections(request):
    """我的异议: the objections the user filed, with every answer as soon as it is given."""
    return render(
        request, "selection/my_objections.html", {"objections": selectors.objections_filed_by(user=request.user)}
    )


def _recommendation_for(request, pk: int):
    return get_object_or_404(selectors.recommendations_visible_to(request.user), pk=pk)


@permission_required("selection.view_recommendation")
def recommendation_detail(request, pk: int):
    rec = _recommendation_for(request, pk)
    own = selectors.recommending_organisations(request.user).filter(pk=rec.organisation_id).exists()
    return render(
        request,
        "selection/recommendation_detail.html",
        {
            "rec": rec,
            "pledge": getattr(rec, "pledge", None),
            "show_password": request.user.has_perm("selection.view_test_password", rec),
            "can_download_scan": request.user.has_perm("selection.manage_campaign") or own,
            "identities_hidden": not own and selectors.identities_hidden(campaign=rec.campaign, user=request.user),
        },
    )
