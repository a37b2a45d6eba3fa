"""The voter's page: candidates of the campaign in its voting window, my votes, remaining votes;
each vote confirmed on its own page before it is counted."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.pages import error_messages
from portal.permissions import permission_required

from .. import selectors, services
from .common import campaign_or_404


@permission_required("selection.vote")
def vote_home(request):
    campaign = selectors.voting_campaign()
    context = {"campaign": campaign}
    if campaign is not None:
        state = selectors.voting_state(campaign=campaign)
        context.update(
            candidates=selectors.candidates(campaign=campaign),
            voted=selectors.my_voted_ids(campaign=campaign, voter=request.user),
            interested=selectors.interested_ids(campaign=campaign, voter=request.user),
            remaining=selectors.remaining_votes(campaign=campaign, voter=request.user),
            state=state,
            open=state == "open",
        )
    return render(request, "selection/vote.html", context)


@permission_required("selection.vote")
def vote_cast(request, year: int, pk: int):
    """GET (or a POST without the confirmation): which course gets the vote, that it cannot be
    withdrawn and how many votes remain after it. Only the confirmation's POST counts the vote
    (the service's constraint and counter still refuse a repeat or one over the limit)."""
    campaign = campaign_or_404(year)
    recommendation = get_object_or_404(selectors.candidates(campaign=campaign), pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            _vote, left = services.cast_counted_vote(
                campaign=campaign, recommendation=recommendation, voter=request.user
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("投票成功：%(title)s（%(unit)s）。剩余票数：%(left)s。")
                % {"title": recommendation.course.title, "unit": recommendation.organisation.name, "left": left},
            )
        return redirect("selection:vote")
    try:
        services.check_voter_eligible(voter=request.user)
        state = selectors.voting_state(campaign=campaign)
        if state != "open":
            messages.error(request, _("投票已结束。") if state == "ended" else _("不在网络投票时间内。"))
            return redirect("selection:vote")
        if recommendation.pk in selectors.my_voted_ids(campaign=campaign, voter=request.user):
            messages.error(request, _("您已为该课程投过票。"))
            return redirect("selection:vote")
        services.check_voter_has_no_interest(recommendation=recommendation, voter=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("selection:vote")
    remaining = selectors.remaining_votes(campaign=campaign, voter=request.user)
    if remaining <= 0:
        messages.error(request, _("每人最多可投 %(n)s 门课程，您的票数已用完。") % {"n": campaign.votes_per_voter})
        return redirect("selection:vote")
    return render(
        request,
        "selection/vote_confirm.html",
        {"campaign": campaign, "rec": recommendation, "remaining": remaining, "left_after": remaining - 1},
    )
