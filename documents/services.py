"""Writes: generating documents once per input, storing them, running jobs.

What to generate for a request (and whether the user may) is decided in documents.targets.
"""

import contextlib
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from . import background, generators, selectors
from .conversion import ConversionError, docx_to_pdf, unoserver_available, warm_converter
from .data import input_hash
from .generators import DocumentInputError
from .heartbeat import beating
from .models import DocumentJob, Format, GeneratedDocument, Kind, stale_jobs
from .targets import Part, Target, resolve

__all__ = [
    "GENERATORS",
    "Part",
    "Target",
    "produce",
    "produce_package",
    "render",
    "resolve",
    "retry_job",
    "run_job",
    "running_job",
    "start_job",
    "sweep_stale_jobs",
]

logger = logging.getLogger(__name__)

GENERATORS: dict[str, Callable[[object], bytes]] = {
    Kind.ATTACHMENT1: generators.attachment1,
    Kind.ATTACHMENT2: generators.attachment2,
    Kind.ATTACHMENT3: generators.attachment3,
    Kind.ATTACHMENT4: generators.attachment4,
    Kind.HOURS_CERTIFICATE: generators.hours_certificate,
    Kind.TEACHER_CERTIFICATE: generators.teacher_certificate,
}


def _cache_key(kind: str, fmt: str, owner_organisation, owner_user, content_hash: str) -> str:
    raw = f"{kind}|{fmt}|{getattr(owner_organisation, 'pk', '')}|{getattr(owner_user, 'pk', '')}|{content_hash}"
    return hashlib.sha256(raw.encode()).hexdigest()


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


def safe_filename(name: str) -> str:
    """A download / ZIP member name without path separators or characters Windows refuses."""
    return _UNSAFE_IN_NAMES.sub("_", name).strip(" .")[:150] or "document"


def _store(*, kind, fmt, content: bytes, name: str, cache_key: str, owner_organisation, owner_user, source):
    """Save the complete file, then its row: a row never points at a half-written file."""
    document = GeneratedDocument(
        kind=kind,
        format=fmt,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=getattr(source, "pk", None),
        cache_key=cache_key,
        filename=f"{safe_filename(name)}.{fmt}",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    document.file.save(f"document.{fmt}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Another worker stored the same input first: keep theirs.
        document.file.delete(save=False)
        return GeneratedDocument.objects.get(cache_key=cache_key)
    return document


def _present(document: GeneratedDocument) -> bool:
    return bool(document.file.name) and document.file.storage.exists(document.file.name)


def _stored(cache_key: str, make_content: Callable[[], bytes], store: Callable[[bytes], GeneratedDocument]):
    """The stored document for this key: reused when its file is there; when the row is there
    but its file was lost, the file is made again under the same row (finished jobs keep their
    result); else made and stored."""
    existing = GeneratedDocument.objects.filter(cache_key=cache_key).first()
    if existing is not None and _present(existing):
        return existing
    content = make_content()
    if existing is None:
        return store(content)
    logger.warning("generated document %s lost its file; made it again", existing.pk)
    existing.file.save(f"document.{existing.format}", ContentFile(content), save=False)
    existing.sha256, existing.size = hashlib.sha256(content).hexdigest(), len(content)
    existing.save(update_fields=["file", "sha256", "size"])
    return existing


def render(part: Part, fmt: str, *, timeout: float | None = None, convert=None) -> bytes:
    """The document's bytes in `fmt` (docx or pdf), without storing anything. `convert` is a
    warm converter (documents.conversion.warm_converter); without it a cold soffice runs."""
    docx = GENERATORS[part.kind](part.doc)
    if fmt == Format.PDF:
        return convert(docx) if convert is not None else docx_to_pdf(docx, timeout=timeout)
    return docx


def produce(part: Part, fmt: str, *, timeout: float | None = None, convert=None) -> GeneratedDocument:
    """The stored document for this part and format, generated only if the input changed."""
    key = _cache_key(part.kind, fmt, part.owner_organisation, part.owner_user, input_hash(part.doc))
    return _stored(
        key,
        lambda: render(part, fmt, timeout=timeout, convert=convert),
        lambda content: _store(
            kind=part.kind,
            fmt=fmt,
            content=content,
            name=part.name,
            cache_key=key,
            owner_organisation=part.owner_organisation,
            owner_user=part.owner_user,
            source=part.source,
        ),
    )


def produce_package(
    target: Target,
    progress: Callable[[int], None] = lambda _p: None,
    *,
    timeout: float | None = None,
    warm: bool = True,
) -> GeneratedDocument:
    """Every part in Word and PDF, zipped. Reused when no part changed."""
    hashes = "|".join(input_hash(p.doc) for p in target.parts)
    key = _cache_key(
        Kind.PACKAGE, Format.ZIP, target.owner_organisation, None, hashlib.sha256(hashes.encode()).hexdigest()
    )
    return _stored(
        key,
        lambda: _zip_parts(target, progress, timeout=timeout, warm=warm),
        lambda content: _store(
            kind=Kind.PACKAGE,
            fmt=Format.ZIP,
            content=content,
            name=target.name,
            cache_key=key,
            owner_organisation=target.owner_organisation,
            owner_user=None,
            source=target.source,
        ),
    )


def _zip_parts(target: Target, progress: Callable[[int], None], *, timeout: float | None, warm: bool) -> bytes:
    buffer = io.BytesIO()
    steps = len(target.parts) * 2
    with (
        _package_converter(len(target.parts), timeout, warm=warm) as convert,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        step = 0
        for part in target.parts:
            for fmt in (Format.DOCX, Format.PDF):
                stored = produce(part, fmt, timeout=timeout, convert=convert)
                with stored.file.open("rb") as handle:
                    archive.writestr(stored.filename, handle.read())
                step += 1
                progress(int(95 * step / steps))
    return buffer.getvalue()


# A warm LibreOffice starts in about 3 s and then converts in about 0.3 s instead of 1.3 s:
# it pays from three PDFs on.
WARM_FROM_PDFS = 3


@contextlib.contextmanager
def _package_converter(pdfs: int, timeout: float | None, *, warm: bool):
    """A warm converter for a package big enough to pay for it, else None (cold soffice)."""
    if not warm or pdfs < WARM_FROM_PDFS or not unoserver_available():
        yield None
        return
    with warm_converter(timeout=timeout) as convert:
        yield convert


def start_job(*, user, kind: str, fmt: str, object_id: int | None = None, year: int | None = None) -> DocumentJob:
    """Check the request (404 for what isn't the user's, DocumentInputError for bad data), record
    the job and start it in the background after the transaction commits. While the same request
    of the same user is still queued or running, that job is returned instead of a second one."""
    if kind == Kind.PACKAGE:
        fmt = Format.ZIP
    elif fmt not in (Format.DOCX, Format.PDF):
        raise DocumentInputError(_("请选择 Word 或 PDF 格式。"))
    target = resolve(kind=kind, object_id=object_id, year=year, user=user)
    if kind != Kind.PACKAGE:
        # Building the Word file takes milliseconds: do it now so bad data (a unit with no
        # platforms, a guide with no sections) is told at once instead of as a failed job.
        GENERATORS[kind](target.parts[0].doc)
    with transaction.atomic():
        # One start at a time per user: a double click (two requests at once) finds the first
        # job instead of both creating one.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        running = running_job(user=user, kind=kind, fmt=fmt, object_id=object_id, year=year)
        if running is not None:
            return running
        job = DocumentJob.objects.create(
            kind=kind,
            format=fmt,
            requested_by=user,
            organisation=target.owner_organisation,
            object_id=object_id,
            year=year,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def running_job(*, user, kind: str, fmt: str, object_id: int | None, year: int | None) -> DocumentJob | None:
    """The user's queued or running job for this very request, if any."""
    return (
        selectors.running_jobs_of(user)
        .filter(kind=kind, format=fmt, object_id=object_id, year=year)
        .order_by("-created_at", "-id")
        .first()
    )


def _enqueue(job_id: int) -> None:
    """With a broker the job goes to a Celery worker; without one (eager Celery, the default
    setup) to a background thread of this process, so that the request never waits for it."""
    # documents.tasks imports this module to call run_job: importing it here, when a job is
    # queued and both modules are loaded, keeps services free of an import cycle.
    from .tasks import generate_document  # noqa: PLC0415 -- tasks import services; neither at load time

    if generate_document.app.conf.task_always_eager:
        sweep_stale_jobs()  # no beat runs the periodic sweep without a broker
        background.submit(generate_document.apply, (job_id,))
        return
    try:
        # Bounded: a broker that is down costs the request about a second, not Kombu's defaults.
        generate_document.apply_async((job_id,), retry=True, retry_policy=settings.DOCUMENTS_ENQUEUE_RETRY_POLICY)
    except (BrokerError, OSError):
        logger.warning("document job %s not queued: the broker is unreachable", job_id, exc_info=True)
        fail_job(job_id=job_id, message=_("生成服务暂时不可用，任务未能排队。请稍后点击“重新生成”再试一次。"))


def _update(job_id: int, **fields) -> None:
    # updated_at is what the stale-job sweep reads; QuerySet.update() does not touch auto_now.
    # Whoever writes the job is alive: the heartbeat moves with every write.
    now = timezone.now()
    DocumentJob.objects.filter(pk=job_id).update(updated_at=now, heartbeat_at=now, **fields)


def run_job(*, job_id: int) -> DocumentJob:
    """Produce a job's document. Idempotent: a finished job is left as it is. Retryable
    conversion errors propagate (the task retries them); anything the user must fix fails the job.

    A job found already running was started by a worker process that died mid-way (its message
    came back to the queue, see CELERY_TASK_REJECT_ON_WORKER_LOST): it ends failed instead of
    running again, so a document that kills its worker cannot kill one worker after another.
    The user retries it from the job's page."""
    job = DocumentJob.objects.select_related("requested_by").get(pk=job_id)
    if job.is_finished:
        return job
    if job.status == DocumentJob.Status.RUNNING:
        fail_job(job_id=job_id, message=_("生成进程意外中止（可能被终止或内存不足）。请点击“重新生成”再试一次。"))
        job.refresh_from_db()
        return job
    _update(job_id, status=DocumentJob.Status.RUNNING, progress=5, attempts=job.attempts + 1, message="")
    # Each retry gives LibreOffice twice the time: a conversion that timed out on a busy
    # machine should not time out the same way again.
    timeout = settings.LIBREOFFICE_TIMEOUT * 2**job.attempts
    try:
        with beating(job_id):
            target, result = _produce_job(job, timeout=timeout)
    except (DocumentInputError, Http404) as exc:
        fail_job(job_id=job_id, message=str(exc))
    except ConversionError as exc:
        if not exc.retryable:
            fail_job(job_id=job_id, message=str(exc))
        else:
            raise
    else:
        message = _("已生成。") + ("".join(_("未包含：%(s)s。") % {"s": s} for s in target.skipped))
        _update(job_id, status=DocumentJob.Status.DONE, progress=100, result=result, message=message)
    job.refresh_from_db()
    return job


def _produce_job(job: DocumentJob, *, timeout: float) -> tuple[Target, GeneratedDocument]:
    target = resolve(kind=job.kind, object_id=job.object_id, year=job.year, user=job.requested_by)
    if job.kind != Kind.PACKAGE:
        return target, produce(target.parts[0], job.format, timeout=timeout)
    # Retries convert cold: if the warm instance was what failed, the retry must not need it.
    return target, produce_package(
        target,
        progress=lambda p: _update(job.pk, progress=max(5, p)),
        timeout=timeout,
        warm=job.attempts == 0,
    )


def note_retry(*, job_id: int, message: str) -> None:
    _update(job_id, status=DocumentJob.Status.PENDING, message=_("%(m)s 正在自动重试……") % {"m": message})


def fail_job(*, job_id: int, message: str) -> None:
    logger.info("document job %s failed: %s", job_id, message)
    _update(job_id, status=DocumentJob.Status.FAILED, message=message, result=None)


def fail_unexpectedly(*, job_id: int) -> None:
    """Any error nobody foresaw still ends the job (the traceback goes to the log, not the page)."""
    logger.exception("document job %s failed unexpectedly", job_id)
    _update(
        job_id,
        status=DocumentJob.Status.FAILED,
        result=None,
        message=_("生成失败：服务器内部错误，已记录。请点击“重新生成”再试一次。"),
    )


def stale_before(now=None):
    """Jobs not updated since this moment have made no progress for longer than any job may run."""
    return (now or timezone.now()) - timedelta(seconds=settings.DOCUMENTS_JOB_TIME_LIMIT)


def sweep_stale_jobs(*, now=None) -> int:
    """End, as failed, every unfinished job whose worker is gone: running without a heartbeat for
    a minute (its process was killed), or without progress for longer than its limit (its
    message was lost). How many."""
    now = now or timezone.now()
    stale = DocumentJob.objects.filter(stale_jobs(now))
    dead = stale.filter(status=DocumentJob.Status.RUNNING, updated_at__gte=stale_before(now)).update(
        status=DocumentJob.Status.FAILED,
        result=None,
        updated_at=timezone.now(),
        message=_("生成进程意外中止（可能被终止或内存不足）。请点击“重新生成”再试一次。"),
    )
    return dead + stale.update(
        status=DocumentJob.Status.FAILED,
        result=None,
        updated_at=timezone.now(),
        message=_("生成任务长时间没有进展，已终止。请点击“重新生成”再试一次。"),
    )


def retry_job(*, user, job: DocumentJob) -> DocumentJob:
    """A new job for the same request, for a job that failed or went stale (the stale one ends
    failed first). The request is checked again, as on the first start."""
    if not (job.status == DocumentJob.Status.FAILED or job.is_stale):
        raise DocumentInputError(_("该任务仍在进行中，请稍候。"))
    if job.status != DocumentJob.Status.FAILED:
        fail_job(job_id=job.pk, message=_("生成任务长时间没有进展，已终止并重新生成。"))
    return start_job(user=user, kind=job.kind, fmt=job.format, object_id=job.object_id, year=job.year)
