"""Pages: choose a document, follow the job's progress, download the result."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import permission_required
from portal.uploads import attachment_response

from . import selectors, services
from .conversion import libreoffice_available
from .generators import DocumentInputError
from .models import Format, Kind

RECENT_JOBS = 20


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@permission_required("documents.generate")
def index(request):
    year = _year(request)
    options = selectors.generator_options(request.user, year=year)
    # An option whose job is still running shows that job instead of its buttons: starting it
    # again would only lead to the same job (services.start_job).
    running = {(j.kind, j.object_id, j.year): j for j in selectors.running_jobs_of(request.user)}
    for option in options:
        option["running"] = running.get((option["kind"], option.get("object_id"), option.get("year")))
    return render(
        request,
        "documents/index.html",
        {
            "year": year,
            "options": options,
            "jobs": selectors.jobs_of(request.user)[:RECENT_JOBS],
            "pdf_available": libreoffice_available(),
        },
    )


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError as exc:
        raise Http404 from exc


@require_POST
@permission_required("documents.generate")
def start(request):
    kind = request.POST.get("kind", "")
    if kind not in Kind.values:
        raise Http404
    fmt = request.POST.get("format", Format.DOCX)
    try:
        job = services.start_job(
            user=request.user,
            kind=kind,
            fmt=fmt,
            object_id=_int_or_none(request.POST.get("object_id")),
            year=_int_or_none(request.POST.get("year")),
        )
    except DocumentInputError as exc:
        messages.error(request, str(exc))
        return redirect("documents:index")
    return redirect("documents:job", pk=job.pk)


@permission_required("documents.generate")
def job_detail(request, pk: int):
    job = get_object_or_404(selectors.jobs_of(request.user), pk=pk)
    return render(request, "documents/job.html", {"job": job})


@require_POST
@permission_required("documents.generate")
def retry(request, pk: int):
    """Start the same request again, for a job that failed or went stale."""
    job = get_object_or_404(selectors.jobs_of(request.user), pk=pk)
    try:
        new_job = services.retry_job(user=request.user, job=job)
    except DocumentInputError as exc:
        messages.error(request, str(exc))
        return redirect("documents:job", pk=job.pk)
    return redirect("documents:job", pk=new_job.pk)


@permission_required("documents.generate")
def download(request, pk: int):
    document = get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)
    if not document.file.name or not document.file.storage.exists(document.file.name):
        # The file was lost (a restored backup, a cleaned disk): generating the same document
        # again stores it anew under this row.
        messages.error(request, _("文件已丢失，请重新生成该文书。"))
        return redirect("documents:index")
    return attachment_response(document.file, document.filename)
