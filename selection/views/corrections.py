"""The association's correction of a sealed result (a POST from the campaign page), and the
teaching credits of closed years waiting for a city bureau."""

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.formats import format_hours
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
    # The rule alone (no fallback to Django's permission tables): the pinned queries stay flat.
    may_correct = rules.has_perm("selection.correct_teaching_credit", request.user)
    return render(request, "selection/pending_teaching_credits.html", {"page": page, "may_correct": may_correct})


@require_POST
@permission_required("selection.correct_teaching_credit")
def decide_teaching_credit(request, pk: int):
    """A bureau credits (a correction into the closed year) or declines one pending credit, with a
    reason, after ticking the box that says what happens."""
    action = request.POST.get("action")
    decide = {"credit": services.credit_pending_teaching, "decline": services.decline_pending_teaching}.get(action)
    if decide is None:
        raise Http404
    if request.POST.get("confirm") != "1":
        messages.error(request, _("请先勾选确认，再提交。"))
        return redirect("selection:pending_teaching_credits")
    try:
        credit = decide(credit_id=pk, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        if getattr(exc, "code", None) == "not_found":
            raise Http404(exc.messages[0]) from exc
        error_messages(request, exc)
    else:
        if credit.status == credit.Status.CREDITED:
            messages.success(
                request,
                _("已更正计入：%(name)s %(year)s年度授课学时 %(hours)s 学时。")
                % {"name": credit.person.display_name, "year": credit.year, "hours": format_hours(credit.hours)},
            )
        else:
            messages.success(request, _("已决定不予计入：%(name)s。") % {"name": credit.person.display_name})
    return redirect("selection:pending_teaching_credits")
