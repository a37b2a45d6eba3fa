"""The association's correction of a sealed result (a POST from the campaign page), and the
teaching credits of closed years waiting for a city bureau."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import error_messages, paginate
from portal.permissions import permission_required

from .. import selectors, services
from .common import campaign_or_404


@require_POST
@permission_required("selection.manage_campaign")
def manage_correct(request, year: int):
    campaign = campaign_or_404(year)
    try:
        snapshot = services.correct_results(
            campaign=campaign, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("已生成第 %(v)s 版结果，更正记录已公布。") % {"v": snapshot.version})
    return redirect("selection:manage_campaign", year=year)


@permission_required("selection.view_pending_teaching_credits")
def pending_teaching_credits(request):
    """A selected course's teacher credited for a year already closed: no approved hours are
    written; the association and the city bureau of the person's employer see it here."""
    page = paginate(request, selectors.pending_teaching_credits_for(request.user).order_by("-created_at", "-id"))
    return render(request, "selection/pending_teaching_credits.html", {"page": page})
