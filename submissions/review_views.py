"""Reviewer pages: my calls, one call's state table with chart, exports, new calls, extensions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation
from accounts.services import audit
from documents.generators import DocumentInputError
from portal.pages import paginate
from portal.permissions import permission_required

from . import exports, services
from .forms import CallForm, ExtensionForm
from .models import Call, Submission
from .selectors import State, call_state_table, calls_reviewed_by, expected_units, expected_units_filter, remaining


def _my_call(request, pk: int) -> Call:
    """A call the user reviews; any other call is 404."""
    return get_object_or_404(calls_reviewed_by(request.user), pk=pk)


def _expected_key(call) -> tuple[str, int | None]:
    return call.audience, call.year if call.is_generated else None


@permission_required("submissions.review")
def review_calls(request):
    """The calls my organisation receives, with how many units must answer and how many did."""
    calls = list(calls_reviewed_by(request.user).order_by("-year", "deadline", "id"))
    sent = dict(
        Submission.objects.filter(call__in=calls)
        .exclude(status=Submission.Status.DRAFT)
        .values_list("call_id")
        .annotate(n=Count("pk"))
    )
    accepted = dict(
        Submission.objects.filter(call__in=calls, status=Submission.Status.ACCEPTED)
        .values_list("call_id")
        .annotate(n=Count("pk"))
    )
    # Own materials expect the same units every year; attachments 3/4 those that recommended that year.
    expected = {
        key: Organisation.objects.filter(expected_units_filter(key[0], year=key[1] or 0)).distinct().count()
        for key in {_expected_key(c) for c in calls}
    }
    rows = [
        {
            "call": c,
            "expected": expected[_expected_key(c)],
            # Attachments 3/4 are sent by recommending: every expected unit has sent them.
            "sent": expected[_expected_key(c)] if c.is_generated else sent.get(c.pk, 0),
            "accepted": accepted.get(c.pk, 0),
            "left": remaining(c.deadline),
        }
        for c in calls
    ]
    return render(
        request,
        "submissions/review_calls.html",
        {"rows": rows, "may_create": request.user.has_perm("submissions.create_call")},
    )


def state_chart(counts, total: int) -> list[dict]:
    """Bars for the inline SVG chart: one per state, width proportional to its share. The chart is
    drawn 320 units wide so that its 12-unit labels stay about 12 px on a 375 px phone."""
    width = 190
    colours = {
        State.ACCEPTED: "#2e7d4f",
        State.SUBMITTED: "#3b6fb6",
        State.LATE: "#b7791f",
        State.RETURNED: "#d08a2c",
        State.MISSING: "#b3261e",
    }
    bars = []
    for index, state in enumerate(State.ORDER):
        count = counts.get(state, 0)
        bars.append(
            {
                "state": state,
                "label": State.LABELS[state],
                "count": count,
                "y": index * 28,
                "text_y": index * 28 + 15,
                "width": round(width * count / total) if total else 0,
                "colour": colours[state],
            }
        )
    return bars


@permission_required("submissions.review")
def recommendation_materials(request, pk: int, unit_id: int):
    """Attachments 3/4 of one unit that recommended (Word ZIP), for the call's reviewers only."""
    call = _my_call(request, pk)
    if not call.is_generated:
        raise Http404
    unit = get_object_or_404(expected_units(call), pk=unit_id)
    try:
        response = exports.recommendation_materials_zip(call, unit)
    except DocumentInputError as exc:
        messages.error(request, str(exc))
        return redirect("submissions:call_status", pk=call.pk)
    audit(
        type=AuditEvent.Type.DATA_EXPORTED,
        actor=request.user,
        organisation=unit,
        target=str(call),
        data={"export": "recommendation_materials", "unit": unit.pk},
        request=request,
    )
    return response


REMINDER_FAILURES_SHOWN = 20


@permission_required("submissions.review")
def call_status(request, pk: int):
    """Every expected unit and its state, with filters, counts and a chart, one page of units at a
    time (constant queries: the table is built in memory, so paging costs no query)."""
    call = _my_call(request, pk)
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    search = request.GET.get("q", "")
    rows, counts = call_state_table(call, state=state, kind=kind, search=search)
    page = paginate(request, rows)
    total = sum(counts.values())
    context = {
        "call": call,
        "page": page,
        "rows": page.object_list,
        "counts": [(s, State.LABELS[s], counts.get(s, 0)) for s in State.ORDER],
        "total": total,
        "bars": state_chart(counts, total),
        "states": [(s, State.LABELS[s]) for s in State.ORDER],
        "kinds": Organisation.Kind.choices,
        "filters": {"state": state, "kind": kind, "q": search},
        "left": remaining(call.deadline),
        "now": timezone.now(),
        # Reminders the mail server refused (submissions.reminders), newest first.
        "reminder_failures": list(call.reminder_failures.select_related("unit")[:REMINDER_FAILURES_SHOWN]),
    }
    return render(request, "submissions/call_status.html", context)


@permission_required("submissions.review")
def call_export(request, pk: int):
    """The state table as .xlsx."""
    call = _my_call(request, pk)
    rows, _counts = call_state_table(call)
    audit(
        type=AuditEvent.Type.DATA_EXPORTED,
        actor=request.user,
        organisation=call.receiver,
        target=str(call),
        data={"export": "submission_states", "rows": len(rows)},
        request=request,
    )
    return exports.state_table_xlsx(call, rows)


@permission_required("submissions.review")
def call_zip(request, pk: int):
    """All accepted files of the call in one ZIP (built in a temporary file, streamed)."""
    call = _my_call(request, pk)
    audit(
        type=AuditEvent.Type.DATA_EXPORTED,
        actor=request.user,
        organisation=call.receiver,
        target=str(call),
        data={"export": "accepted_zip"},
        request=request,
    )
    return exports.accepted_zip(call)


@permission_required("submissions.create_call")
def call_create(request):
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.create_call(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已发布报送通知。"))
            if request.user.has_perm("submissions.review_call", call):
                return redirect("submissions:call_status", pk=call.pk)
            return redirect("submissions:review_calls")
    return render(request, "submissions/call_form.html", {"form": form})


@permission_required("submissions.review")
def extension_create(request, pk: int):
    """Grant one unit a later deadline, with a reason (reviewers of this call only)."""
    call = _my_call(request, pk)
    form = ExtensionForm(request.POST or None, units=expected_units(call))
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_extension(
                call=call,
                unit=form.cleaned_data["unit"],
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
                granted_by=request.user,
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已批准延期。"))
            return redirect("submissions:call_status", pk=call.pk)
    return render(
        request,
        "submissions/extension_form.html",
        {"form": form, "call": call, "extensions": call.extensions.select_related("unit", "granted_by")},
    )
