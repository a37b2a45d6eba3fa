"""Unit pages: my calls with countdowns, sending materials, a submission's versions and history."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.bounds import whole_number
from portal.pages import add_errors
from portal.permissions import permission_required
from portal.uploads import attachment_response

from . import services, staging
from .comparison import compare_versions
from .format_report import format_report_for
from .forms import ReviewForm, SendForm
from .models import StagedUpload, Submission
from .selectors import (
    extensions_of_units,
    is_reviewer_of,
    remaining,
    scope_of_units,
    submission_of,
    submissions_of_units,
    submissions_reviewed_by,
    submissions_sent_by,
    submissions_visible_to,
    units_of,
    versions_visible_to,
)


@permission_required("submissions.send")
def my_calls(request):
    """Every call each of my units must answer, its deadline, countdown and my state."""
    now = timezone.now()
    units = list(units_of(request.user))
    unit_ids = [u.pk for u in units]
    scope = scope_of_units(unit_ids)
    calls = list(scope.calls().order_by("-year", "deadline", "id"))
    submissions = {
        (s.call_id, s.unit_id): s
        for s in submissions_of_units(unit_ids=unit_ids, calls=calls)
    }
    extensions = {(e.call_id, e.unit_id): e for e in extensions_of_units(unit_ids=unit_ids, calls=calls)}
    rows = []
    for call in calls:
        for unit in units:
            if not scope.answers(call, unit.pk):
                continue
            submission = submissions.get((call.pk, unit.pk))
            extension = extensions.get((call.pk, unit.pk))
            deadline = services.deadline_for(call=call, unit=unit, submission=submission, extension=extension)
            resendable = submission is None or submission.status in (
                Submission.Status.DRAFT,
                Submission.Status.RETURNED,
            )
            rows.append(
                {
                    "generated": call.is_generated,
                    "call": call,
                    "unit": unit,
                    "submission": submission,
                    "extension": extension,
                    "deadline": deadline,
                    "left": remaining(deadline, now=now),
                    "title": None if call.is_generated else services.required_title(unit=unit, year=call.year),
                    "may_send": resendable
                    and not call.is_generated
                    and services.may_still_send(
                        call=call, unit=unit, submission=submission, now=now, extension=extension
                    ),
                }
            )
    # The intro's title names the year of the calls still open (else of the latest call).
    years = [r["call"].year for r in rows if r["left"]["open"]] or [r["call"].year for r in rows]
    intro_year = max(years, default=None)
    return render(request, "submissions/my_calls.html", {"rows": rows, "units": units, "intro_year": intro_year})


def _unit_for_call(request, call_id: int):
    """The call and the one of my units that must answer it (404 when none must)."""
    units = list(units_of(request.user))
    if request.GET.get("unit") or request.POST.get("unit"):
        wanted = str(request.GET.get("unit") or request.POST.get("unit"))
        units = [u for u in units if str(u.pk) == wanted]
    scope = scope_of_units([u.pk for u in units])
    call = get_object_or_404(scope.calls(), pk=call_id)
    unit = next(u for u in units if scope.answers(call, u.pk))
    return call, unit


@permission_required("submissions.send")
def send(request, call_id: int):
    """Send (or resend after return) a unit's materials: title proposed, both files required."""
    call, unit = _unit_for_call(request, call_id)
    submission = submission_of(call=call, unit=unit)
    deadline = services.deadline_for(call=call, unit=unit, submission=submission)
    is_open = services.may_still_send(call=call, unit=unit, submission=submission)
    already = submission is not None and submission.status not in (
        Submission.Status.DRAFT,
        Submission.Status.RETURNED,
    )
    form = SendForm(initial={"title": services.required_title(unit=unit, year=call.year)})
    staged: dict[str, StagedUpload] = {}
    if request.method == "POST":
        staging.sweep()
        # The files are checked here one by one, not by the form: a good file survives a bad one.
        form = SendForm(request.POST)
        files, new, file_errors = {}, {}, {}
        for field in StagedUpload.Field.values:
            upload = request.FILES.get(field)
            if upload:
                try:
                    staging.check_one(field=field, upload=upload, max_bytes=services.max_upload_bytes())
                except ValidationError as exc:
                    file_errors[field] = exc.messages
                else:
                    files[field] = new[field] = upload
                continue
            kept = staging.find(
                user=request.user, call=call, unit=unit, field=field, pk=request.POST.get(f"{field}_staged")
            )
            if kept is None:
                file_errors[field] = [staging.MISSING[field]]
            else:
                staged[field] = kept
                files[field] = staging.as_upload(kept)
        if form.is_valid() and not file_errors:
            try:
                submission = services.send_materials(
                    call=call,
                    unit=unit,
                    user=request.user,
                    title=form.cleaned_data["title"],
                    word_file=files["word_file"],
                    pdf_file=files["pdf_file"],
                    draft="save_draft" in request.POST,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                staging.discard_for(user=request.user, call=call, unit=unit)
                if submission.status == Submission.Status.DRAFT:
                    messages.success(request, _("已保存草稿，尚未报送。"))
                else:
                    messages.success(request, _("材料已报送。"))
                return redirect("submissions:detail", pk=submission.pk)
        for field, errors in file_errors.items():
            form.add_error(field, errors)
        # Not sent: the good new files are kept so that only the bad one is picked again.
        for field, upload in new.items():
            staged[field] = staging.stage(user=request.user, call=call, unit=unit, field=field, upload=upload)
    context = {
        "call": call,
        "unit": unit,
        "submission": submission,
        "deadline": deadline,
        "left": remaining(deadline),
        "is_open": is_open,
        "already": already,
        "form": form,
        "staged_word": staged.get("word_file"),
        "staged_pdf": staged.get("pdf_file"),
        "max_mb": services.max_upload_bytes() // (1024 * 1024),
    }
    return render(request, "submissions/send.html", context, status=422 if form.errors else 200)


@permission_required("submissions.view")
def detail(request, pk: int):
    """Versions, history and the reviewer's comments; reviewers also accept or return here."""
    submission = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    return _detail_page(request, submission)


def _detail_page(request, submission: Submission, review_form: ReviewForm | None = None, status: int = 200):
    versions = list(submission.versions.select_related("uploaded_by").order_by("-number"))
    events = list(submission.events.select_related("actor", "version").order_by("created_at", "id"))
    reviewer = is_reviewer_of(request.user, submission.call)
    pending = submission.status in (Submission.Status.SUBMITTED, Submission.Status.RESUBMITTED)
    context = {
        "submission": submission,
        "call": submission.call,
        "versions": versions,
        "events": events,
        "is_reviewer": reviewer,
        "review_form": (review_form or ReviewForm()) if reviewer and pending else None,
        "format_report": format_report_for(submission) if reviewer else None,
        "deadline": services.deadline_for(call=submission.call, unit=submission.unit, submission=submission),
        "is_unit": submission.unit_id in {u.pk for u in units_of(request.user)},
    }
    context["left"] = remaining(context["deadline"])
    return render(request, "submissions/detail.html", context, status=status)


@require_POST
@permission_required("submissions.send")
def submit_draft(request, pk: int):
    submission = get_object_or_404(submissions_sent_by(request.user), pk=pk)
    try:
        services.submit_draft(submission=submission, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("材料已报送。"))
    return redirect("submissions:detail", pk=submission.pk)


@permission_required("submissions.view")
def download(request, pk: int, kind: str):
    """A version's Word or PDF file, or the attachment 2 sent with it, only for the unit and the
    call's reviewers (404 otherwise)."""
    version = get_object_or_404(versions_visible_to(request.user), pk=pk)
    fields = {"word": version.word_file, "pdf": version.pdf_file, "attachment2": version.attachment2_word}
    field = fields.get(kind)
    if not field:
        raise Http404
    # The stored name carries the kind found by content (.docx, .doc or .pdf).
    ext = PurePath(field.name).suffix
    label = _("附件2_继续教育学习平台信息统计表") if kind == "attachment2" else ""
    return attachment_response(field, f"{version.submission.title}{label}-第{version.number}版{ext}")


@permission_required("submissions.view")
def compare(request, pk: int):
    """Two versions side by side: file facts and the Word text's differences."""
    submission = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    versions = {v.number: v for v in submission.versions.all()}
    if len(versions) < 2:
        messages.info(request, _("只有一个版本，无需比较。"))
        return redirect("submissions:detail", pk=pk)
    numbers = sorted(versions)
    a = whole_number(request.GET.get("a") or numbers[-2])
    b = whole_number(request.GET.get("b") or numbers[-1])
    if a not in versions or b not in versions:
        raise Http404
    context = {
        "submission": submission,
        "numbers": numbers,
        "a": versions[a],
        "b": versions[b],
        "comparison": compare_versions(versions[a], versions[b]),
    }
    return render(request, "submissions/compare.html", context)


@require_POST
@permission_required("submissions.review")
def review(request, pk: int):
    """Accept or return with a comment (reviewers of this call only; others get 404)."""
    submission = get_object_or_404(
        submissions_reviewed_by(request.user), pk=pk
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        # Back to the page with the reviewer's choice and text kept, and the error beside the field.
        return _detail_page(request, submission, form, status=422)
    if form.accepts() and request.POST.get("confirmed") != "1":
        # An acceptance is final (the unit cannot send again): the reviewer confirms it first.
        return render(request, "submissions/review_confirm.html", {"submission": submission, "form": form})
    try:
        services.review_submission(
            submission=submission,
            reviewer=request.user,
            accept=form.accepts(),
            comment=form.cleaned_data["comment"],
            resubmit_by=form.resubmit_by_datetime(),
            request=request,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return _detail_page(request, submission, form, status=422)
    messages.success(request, _("已审核通过。") if form.accepts() else _("已退回修改。"))
    return redirect("submissions:detail", pk=pk)
