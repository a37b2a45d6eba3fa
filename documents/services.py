"""Writes: resolving what to generate, generating it once per input, storing it, running jobs."""

import contextlib
import hashlib
import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.rules import is_admin_of_organisation
from accounts.selectors import has_role

from . import generators, selectors
from .conversion import ConversionError, docx_to_pdf, unoserver_available, warm_converter
from .data import input_hash
from .generators import DocumentInputError
from .models import DocumentJob, Format, GeneratedDocument, Kind

logger = logging.getLogger(__name__)

GENERATORS: dict[str, Callable[[object], bytes]] = {
    Kind.ATTACHMENT1: generators.attachment1,
    Kind.ATTACHMENT2: generators.attachment2,
    Kind.ATTACHMENT3: generators.attachment3,
    Kind.ATTACHMENT4: generators.attachment4,
    Kind.HOURS_CERTIFICATE: generators.hours_certificate,
    Kind.TEACHER_CERTIFICATE: generators.teacher_certificate,
}

# Who may start a documents page at all (the nav roles of issue 8, plus the provincial bureau
# which receives attachments 1-2 and the association which receives 3-4 and issues certificates).
GENERATING_ROLES = (
    Role.DEPARTMENT_STAFF,
    Role.BASE_ADMIN,
    Role.CITY_STAFF,
    Role.PROVINCE_STAFF,
    Role.ASSOCIATION_ADMIN,
    Role.PROFESSIONAL,
)


@dataclass
class Part:
    """One document: what it shows, whose it is, what it was made from and its download name."""

    kind: str
    doc: object
    name: str
    owner_organisation: Organisation | None = None
    owner_user: User | None = None
    source: object | None = None


@dataclass
class Target:
    """What a job produces: one part, or for a package several parts zipped together."""

    kind: str
    parts: list[Part]
    name: str
    owner_organisation: Organisation | None = None
    owner_user: User | None = None
    source: object | None = None
    skipped: list[str] = field(default_factory=list)


def _not_found() -> Http404:
    return Http404(_("对象不存在，或您无权为其生成文书。"))


def _may_act_for(user, organisation) -> bool:
    return user is None or has_role(user, Role.PROVINCE_STAFF) or is_admin_of_organisation(user, organisation)


def verification_url(code: str) -> str:
    """The public page that verifies a 学时证明 by its code (credits app), as an absolute URL."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("credits:verify_code", kwargs={"code": code})


def _organisation(object_id, user) -> Organisation:
    organisation = Organisation.objects.filter(pk=object_id).first()
    if organisation is None or not _may_act_for(user, organisation):
        raise _not_found()
    return organisation


def _guide_part(guide) -> Part:
    return Part(
        Kind.ATTACHMENT1,
        selectors.guide_doc(guide),
        f"附件1_{guide.department.name}{guide.year}年度专业技术人员继续教育指南",
        owner_organisation=guide.department,
        source=guide,
    )


def _pledge_part(recommendation) -> Part:
    return Part(
        Kind.ATTACHMENT4,
        selectors.pledge_doc(recommendation),
        f"附件4_知识产权保护承诺书_{recommendation.course.title}"[:80],
        owner_organisation=recommendation.organisation,
        source=recommendation,
    )


def resolve(*, kind: str, object_id: int | None, year: int | None, user=None) -> Target:
    """Load the data of a request and check that `user` may have it (None: an operator's command).

    Raises Http404 for objects that don't exist or aren't the user's, DocumentInputError for
    data that can't make the document.
    """
    if kind == Kind.ATTACHMENT1:
        if object_id is None:
            part = Part(kind, generators.blank_guide(), "附件1_专业技术人员继续教育指南（参考格式）")
            return Target(kind, [part], part.name)
        from courses.models import StudyGuide

        guide = StudyGuide.objects.select_related("department").filter(pk=object_id).first()
        if guide is None or not _may_act_for(user, guide.department):
            raise _not_found()
        part = _guide_part(guide)
        return Target(kind, [part], part.name, owner_organisation=guide.department, source=guide)
    if kind == Kind.ATTACHMENT2:
        organisation = _organisation(object_id, user)
        part = Part(
            kind,
            selectors.platform_table_doc(organisation),
            f"附件2_{organisation.name}继续教育学习平台信息统计表",
            owner_organisation=organisation,
            source=organisation,
        )
        return Target(kind, [part], part.name, owner_organisation=organisation, source=organisation)
    if kind == Kind.ATTACHMENT3:
        year = _require_year(year)
        organisation = _organisation_for_selection(object_id, user)
        part = Part(
            kind,
            selectors.recommendation_table_doc(organisation, year),
            f"附件3_{organisation.name}{year}年度优质在线公需课推荐表",
            owner_organisation=organisation,
            source=organisation,
        )
        return Target(kind, [part], part.name, owner_organisation=organisation, source=organisation)
    if kind == Kind.ATTACHMENT4:
        from selection.models import Recommendation

        recommendation = (
            Recommendation.objects.select_related("course", "organisation", "campaign").filter(pk=object_id).first()
        )
        if recommendation is None or not (
            _may_act_for(user, recommendation.organisation) or has_role(user, Role.ASSOCIATION_ADMIN)
        ):
            raise _not_found()
        part = _pledge_part(recommendation)
        return Target(kind, [part], part.name, owner_organisation=recommendation.organisation, source=recommendation)
    if kind == Kind.HOURS_CERTIFICATE:
        return _hours_certificate_target(object_id, _require_year(year), user)
    if kind == Kind.TEACHER_CERTIFICATE:
        return _teacher_certificate_target(object_id, year, user)
    if kind == Kind.PACKAGE:
        return _package_target(object_id, _require_year(year), user)
    raise DocumentInputError(_("未知的文书类型：%(kind)s") % {"kind": kind})


def _require_year(year) -> int:
    if not year:
        raise DocumentInputError(_("请指定年度。"))
    return int(year)


def _organisation_for_selection(object_id, user) -> Organisation:
    organisation = Organisation.objects.filter(pk=object_id).first()
    if organisation is None:
        raise _not_found()
    if not (_may_act_for(user, organisation) or has_role(user, Role.ASSOCIATION_ADMIN)):
        raise _not_found()
    return organisation


def _hours_certificate_target(object_id, year: int, user) -> Target:
    from credits.services import issue_certificate

    professional = User.objects.filter(pk=object_id).first()
    if professional is None or (user is not None and user.pk != professional.pk):
        raise _not_found()
    try:
        certificate = issue_certificate(user=professional, year=year)
    except Exception as exc:
        # credits raises ValidationError with a Chinese message (not compliant, no policy).
        messages = getattr(exc, "messages", None)
        if messages is None:
            raise
        raise DocumentInputError("；".join(messages)) from exc
    part = Part(
        Kind.HOURS_CERTIFICATE,
        selectors.hours_certificate_doc(certificate, verification_url(certificate.code)),
        f"学时证明_{certificate.name}_{year}年度",
        owner_user=professional,
        source=certificate,
    )
    return Target(part.kind, [part], part.name, owner_user=professional, source=certificate)


def _teacher_certificate_target(object_id, year, user) -> Target:
    from courses.models import Teacher

    teacher = Teacher.objects.filter(pk=object_id).first()
    allowed = teacher is not None and (
        user is None
        or has_role(user, Role.ASSOCIATION_ADMIN)
        or has_role(user, Role.PROVINCE_STAFF)
        or (teacher.user_id is not None and teacher.user_id == user.pk)
    )
    if not allowed:
        raise _not_found()
    certificate = selectors.teacher_certificate_for(teacher, year)
    part = Part(
        Kind.TEACHER_CERTIFICATE,
        selectors.teacher_certificate_doc(certificate),
        f"优秀师资特聘证书_{teacher.name}_{certificate.number}",
        owner_user=teacher.user,
        owner_organisation=teacher.organisation,
        source=certificate,
    )
    return Target(part.kind, [part], part.name, owner_user=teacher.user, source=certificate)


def _package_target(object_id, year: int, user) -> Target:
    """附件1-4 as they apply to the unit: 1 for a department's guide of the year, 2 if it has
    learning platforms, 3 and one 4 per course if it recommended courses in the year."""
    organisation = _organisation(object_id, user)
    parts: list[Part] = []
    skipped: list[str] = []
    from courses.models import StudyGuide

    guide = StudyGuide.objects.select_related("department").filter(department=organisation, year=year).first()
    if guide is not None:
        parts.append(_guide_part(guide))
    platform_doc = selectors.platform_table_doc(organisation)
    if platform_doc.platforms:
        parts.append(Part(Kind.ATTACHMENT2, platform_doc, f"附件2_{organisation.name}继续教育学习平台信息统计表"))
    else:
        skipped.append(_("附件2（本单位未登记学习平台）"))
    table = selectors.recommendation_table_doc(organisation, year)
    if table.recommendations:
        parts.append(Part(Kind.ATTACHMENT3, table, f"附件3_{organisation.name}{year}年度优质在线公需课推荐表"))
        recommendations = list(selectors._recommendations(organisation, year).select_related("campaign"))
        parts.extend(_pledge_part(r) for r in recommendations)  # a missing pledge fails the package
    else:
        skipped.append(_("附件3、4（本年度未推荐课程）"))
    if not parts:
        raise DocumentInputError(
            _("%(unit)s在%(year)s年度没有可生成的报送材料（无学习指南、学习平台或推荐课程）。")
            % {"unit": organisation.name, "year": year}
        )
    for part in parts:
        part.owner_organisation = organisation
    name = f"{organisation.name}{year}年度继续教育材料"
    return Target(Kind.PACKAGE, parts, name, owner_organisation=organisation, source=organisation, skipped=skipped)


def _cache_key(kind: str, fmt: str, owner_organisation, owner_user, content_hash: str) -> str:
    raw = f"{kind}|{fmt}|{getattr(owner_organisation, 'pk', '')}|{getattr(owner_user, 'pk', '')}|{content_hash}"
    return hashlib.sha256(raw.encode()).hexdigest()


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
        filename=f"{name}.{fmt}",
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


def _reusable(cache_key: str) -> GeneratedDocument | None:
    existing = GeneratedDocument.objects.filter(cache_key=cache_key).first()
    if existing is not None and existing.file.storage.exists(existing.file.name):
        return existing
    if existing is not None:
        existing.delete()
    return None


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
    existing = _reusable(key)
    if existing is not None:
        return existing
    return _store(
        kind=part.kind,
        fmt=fmt,
        content=render(part, fmt, timeout=timeout, convert=convert),
        name=part.name,
        cache_key=key,
        owner_organisation=part.owner_organisation,
        owner_user=part.owner_user,
        source=part.source,
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
    existing = _reusable(key)
    if existing is not None:
        return existing
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
    return _store(
        kind=Kind.PACKAGE,
        fmt=Format.ZIP,
        content=buffer.getvalue(),
        name=target.name,
        cache_key=key,
        owner_organisation=target.owner_organisation,
        owner_user=None,
        source=target.source,
    )


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
    the job and queue it after the transaction commits."""
    if kind == Kind.PACKAGE:
        fmt = Format.ZIP
    elif fmt not in (Format.DOCX, Format.PDF):
        raise DocumentInputError(_("请选择 Word 或 PDF 格式。"))
    target = resolve(kind=kind, object_id=object_id, year=year, user=user)
    if kind != Kind.PACKAGE:
        # Building the Word file takes milliseconds: do it now so bad data (a unit with no
        # platforms, a guide with no sections) is told at once instead of as a failed job.
        GENERATORS[kind](target.parts[0].doc)
    job = DocumentJob.objects.create(
        kind=kind,
        format=fmt,
        requested_by=user,
        organisation=target.owner_organisation,
        object_id=object_id,
        year=year,
    )
    from .tasks import generate_document

    transaction.on_commit(lambda: generate_document.delay(job.pk))
    return job


def _update(job_id: int, **fields) -> None:
    DocumentJob.objects.filter(pk=job_id).update(**fields)


def run_job(*, job_id: int) -> DocumentJob:
    """Produce a job's document. Idempotent: a finished job is left as it is. Retryable
    conversion errors propagate (the task retries them); anything the user must fix fails the job."""
    job = DocumentJob.objects.select_related("requested_by").get(pk=job_id)
    if job.is_finished:
        return job
    _update(job_id, status=DocumentJob.Status.RUNNING, progress=5, attempts=job.attempts + 1, message="")
    # Each retry gives LibreOffice twice the time: a conversion that timed out on a busy
    # machine should not time out the same way again.
    timeout = settings.LIBREOFFICE_TIMEOUT * 2**job.attempts
    try:
        target = resolve(kind=job.kind, object_id=job.object_id, year=job.year, user=job.requested_by)
        if job.kind == Kind.PACKAGE:
            # Retries convert cold: if the warm instance was what failed, the retry must not need it.
            result = produce_package(
                target,
                progress=lambda p: _update(job_id, progress=max(5, p)),
                timeout=timeout,
                warm=job.attempts == 0,
            )
        else:
            result = produce(target.parts[0], job.format, timeout=timeout)
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


def note_retry(*, job_id: int, message: str) -> None:
    _update(job_id, status=DocumentJob.Status.PENDING, message=_("%(m)s 正在自动重试……") % {"m": message})


def fail_job(*, job_id: int, message: str) -> None:
    logger.info("document job %s failed: %s", job_id, message)
    _update(job_id, status=DocumentJob.Status.FAILED, message=message, result=None)
