"""The voter's page: candidates of the campaign in its voting window, my votes, remaining votes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import error_messages
from portal.permissions import permission_required

from .. import selectors, services
from ..models import Phase
from .common import campaign_or_404


@permission_required("selection.vote")
def vote_home(request):
    campaign = selectors.voting_campaign()
    context = {"campaign": campaign}
    if campaign is not None:
        context.update(
            candidates=selectors.candidates(campaign=campaign),
            voted=selectors.my_voted_ids(campaign=campaign, voter=request.user),
            interested=selectors.interested_ids(campaign=campaign, voter=request.user),
            remaining=selectors.remaining_votes(campaign=campaign, voter=request.user),
            open=campaign.phase == Phase.VOTING,
        )
    return render(request, "selection/vote.html", context)


@require_POST
@permission_required("selection.vote")
def vote_cast(request, year: int, pk: int):
    campaign = campaign_or_404(year)
    recommendation = get_object_or_404(selectors.candidates(campaign=campaign), pk=pk)
    try:
        services.cast_vote(campaign=campaign, recommendation=recommendation, voter=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("投票成功：%(title)s") % {"title": recommendation.course.title})
    return redirect("selection:vote")
