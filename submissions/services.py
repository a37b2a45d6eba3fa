"""Writes: calls, extensions, sending materials and reviewing them.

Each rule of the notice is one function here; views, the API and tasks call these.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation
from accounts.services import audit
from documents.generators import attachment2
from documents.selectors import platform_table_doc
from portal.deadlines import is_open
from portal.formats import cn_datetime
from portal.uploads import DOC, DOCX, EXTENSIONS, PDF, sniff, validate_upload

from .errors import (
    AlreadySubmitted,
    DeadlinePassed,
    GeneratedFromRecommendations,
    NotExpected,
    NotReviewer,
)
from .errors import SubmissionError as SubmissionError
from .errors import WrongTitle as WrongTitle
from .models import Call, Extension, Submission, SubmissionEvent, SubmissionVersion
from .selectors import LOOKUP, is_expected, is_reviewer_of, unit_deadline
from .titles import check_title
from .titles import required_title as required_title


def max_upload_bytes() -> int:
    return settings.SUBMISSIONS_MAX_UPLOAD_BYTES


# --- the notice's rules -------------------------------------------------------------------


def check_files(*, word_file, pdf_file) -> None:
    """Both versions, each checked by content and size.

    "同时报送Word版和PDF版" — a Word file (.docx, or the older .doc) and a PDF file, both required.
    """
    errors = {}
    if not word_file:
        errors["word_file"] = [_("请上传Word版（.docx或.doc）文件。")]
    if not pdf_file:
        errors["pdf_file"] = [_("请上传PDF版文件。")]
    for field, file, kinds in (("word_file", word_file, {DOCX, DOC}), ("pdf_file", pdf_file, {PDF})):
        if file and field not in errors:
            try:
                validate_upload(file, allowed=kinds, max_bytes=max_upload_bytes())
            except ValidationError as exc:
                errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


def may_still_send(
    *,
    call: Call,
    unit: Organisation,
    submission: Submission | None = None,
    now: datetime.datetime | None = None,
    extension=LOOKUP,
) -> bool:
    """The deadline, enforced by the server.

    "请于4月底前通过“山东省专业技术人员继续教育公共服务平台”报送" — until the call's deadline
    (2022-04-30 23:59:59 Asia/Shanghai) or the later one of the unit's extension, inclusive of
    the last second. A returned submission may be sent again until that deadline or the date the
    reviewer set when returning it, whichever is later.
    """
    limit = deadline_for(call=call, unit=unit, submission=submission, extension=extension)
    return is_open(deadline=limit, now=now)


def deadline_for(
    *, call: Call, unit: Organisation, submission: Submission | None = None, extension=LOOKUP
) -> datetime.datetime:
    """The last moment this unit may still send for this call."""
    limit = unit_deadline(call=call, unit=unit, extension=extension)
    if submission is not None and submission.status == Submission.Status.RETURNED and submission.resubmit_by:
        limit = max(limit, submission.resubmit_by)
    return limit


# --- units sending ------------------------------------------------------------------------


def send_materials(
    *,
    call: Call,
    unit: Organisation,
    user,
    title: str,
    word_file,
    pdf_file,
    draft: bool = False,
    now: datetime.datetime | None = None,
) -> Submission:
    """Send (or save as a draft) a new version of a unit's materials for a call.

    Checks, in order, before anything is stored: the unit is asked to answer; the deadline; the
    state (already sent and not returned → conflict); the title; both files by content.

    The two files reach storage before the rows that name them; if anything after that fails
    (including the commit), the stored files are deleted again, so a rolled-back send leaves no
    file behind.
    """
    stored: list = []
    try:
        with transaction.atomic():
            return _send_materials(
                call=call,
                unit=unit,
                user=user,
                title=title,
                word_file=word_file,
                pdf_file=pdf_file,
                draft=draft,
                now=now or timezone.now(),
                stored=stored,
            )
    except BaseException:
        for fieldfile in stored:
            fieldfile.storage.delete(fieldfile.name)
        raise


def _send_materials(
    *, call, unit, user, title, word_file, pdf_file, draft: bool, now: datetime.datetime, stored: list
) -> Submission:
    if call.is_generated:
        raise GeneratedFromRecommendations(
            _("附件3、附件4由本单位在优质在线公需课评选中报送的推荐课程和知识产权保护承诺书生成，无需另行上传。"),
            code="generated_from_recommendations",
        )
    if not is_expected(call=call, unit=unit):
        raise NotExpected(_("本单位不在该通知的报送范围内。"), code="not_expected")
    submission = Submission.objects.select_for_update().filter(call=call, unit=unit).first()
    if not may_still_send(call=call, unit=unit, submission=submission, now=now):
        raise DeadlinePassed(
            _("报送已截止（截止时间 %(deadline)s），不能再报送或重新报送。")
            % {
                "deadline": cn_datetime(deadline_for(call=call, unit=unit, submission=submission))
            },
            code="deadline_passed",
        )
    if submission is not None and submission.status in (
        Submission.Status.SUBMITTED,
        Submission.Status.RESUBMITTED,
        Submission.Status.ACCEPTED,
    ):
        raise AlreadySubmitted(_("本单位已报送该材料，退回修改后方可重新报送。"), code="already_submitted")
    check_title(title=title, unit=unit, year=call.year)
    check_files(word_file=word_file, pdf_file=pdf_file)

    if submission is None:
        try:
            with transaction.atomic():
                submission = Submission.objects.create(call=call, unit=unit, title=title.strip())
        except IntegrityError:
            raise AlreadySubmitted(_("本单位已报送该材料。"), code="already_submitted") from None
    was_returned = submission.status == Submission.Status.RETURNED
    number = (submission.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = SubmissionVersion(
        submission=submission,
        number=number,
        word_name=_original_name(word_file),
        pdf_name=_original_name(pdf_file),
        word_size=word_file.size,
        pdf_size=pdf_file.size,
        uploaded_by=user,
        uploaded_at=now,
    )
    for fieldfile, upload in ((version.word_file, word_file), (version.pdf_file, pdf_file)):
        fieldfile.save(f"materials.{EXTENSIONS[sniff(upload)]}", upload, save=False)
        stored.append(fieldfile)
    platform_table = attachment2_for(unit)
    if platform_table is not None:
        version.attachment2_word.save("attachment2.docx", ContentFile(platform_table), save=False)
        stored.append(version.attachment2_word)
    version.save()
    submission.title = title.strip()
    submission.current_version = version
    if draft and not was_returned:
        submission.status = Submission.Status.DRAFT
        action = SubmissionEvent.Action.SAVED_DRAFT
    else:
        submission.status = Submission.Status.RESUBMITTED if was_returned else Submission.Status.SUBMITTED
        action = SubmissionEvent.Action.RESUBMITTED if was_returned else SubmissionEvent.Action.SUBMITTED
        submission.submitted_at = now
        submission.first_submitted_at = submission.first_submitted_at or now
    submission.save()
    SubmissionEvent.objects.create(submission=submission, action=action, actor=user, version=version, created_at=now)
    return submission


def attachment2_for(unit: Organisation) -> bytes | None:
    """Attachment 2 as Word, from the unit's learning platforms, or None if it has none:
    "建有网络学习平台的，请填写《继续教育学习平台信息统计表》（见附件2）一并报送" — it travels with
    the unit's own materials, made from the platforms the unit registered (nothing to upload)."""
    doc = platform_table_doc(unit)
    return attachment2(doc) if doc.platforms else None


def _original_name(file) -> str:
    return (getattr(file, "name", "") or "")[-200:]


@transaction.atomic
def submit_draft(*, submission: Submission, user, now: datetime.datetime | None = None) -> Submission:
    """Send the draft's current version as it is (same rules as sending a new one)."""
    now = now or timezone.now()
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Submission.Status.DRAFT or submission.current_version is None:
        raise AlreadySubmitted(_("只有草稿可以直接报送。"), code="already_submitted")
    if not may_still_send(call=submission.call, unit=submission.unit, submission=submission, now=now):
        raise DeadlinePassed(_("报送已截止，不能再报送。"), code="deadline_passed")
    check_title(title=submission.title, unit=submission.unit, year=submission.call.year)
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.save(update_fields=["status", "submitted_at", "first_submitted_at", "updated_at"])
    SubmissionEvent.objects.create(
        submission=submission,
        action=SubmissionEvent.Action.SUBMITTED,
        actor=user,
        version=submission.current_version,
        created_at=now,
    )
    return submission


# --- reviewers ----------------------------------------------------------------------------


@transaction.atomic
def review_submission(
    *,
    submission: Submission,
    reviewer,
    accept: bool,
    comment: str = "",
    resubmit_by: datetime.datetime | None = None,
    request=None,
    now: datetime.datetime | None = None,
) -> Submission:
    """Accept the materials, or return them with a comment (and optionally a future date to
    resubmit by)."""
    now = now or timezone.now()
    submission = Submission.objects.select_for_update().select_related("call", "unit").get(pk=submission.pk)
    if not is_reviewer_of(reviewer, submission.call):
        raise NotReviewer(_("您不是该通知的审核单位工作人员。"), code="not_reviewer")
    if submission.status not in (Submission.Status.SUBMITTED, Submission.Status.RESUBMITTED):
        raise AlreadySubmitted(_("该材料当前状态不能审核。"), code="not_pending")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": [_("退回修改时请填写审核意见。")]}, code="comment_required")
    if not accept and resubmit_by is not None and resubmit_by <= now:
        raise ValidationError({"resubmit_by": [_("重新报送期限须晚于当前时间。")]}, code="resubmit_by_past")
    if accept:
        submission.status = Submission.Status.ACCEPTED
        submission.resubmit_by = None
        action = SubmissionEvent.Action.ACCEPTED
    else:
        submission.status = Submission.Status.RETURNED
        submission.resubmit_by = resubmit_by
        action = SubmissionEvent.Action.RETURNED
    submission.review_comment = comment
    submission.save(update_fields=["status", "resubmit_by", "review_comment", "updated_at"])
    SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        actor=reviewer,
        version=submission.current_version,
        comment=comment,
        created_at=now,
    )
    audit(
        type=AuditEvent.Type.SUBMISSION_REVIEWED,
        actor=reviewer,
        organisation=submission.unit,
        target=submission.title,
        data={"submission": submission.pk, "action": action},
        request=request,
    )
    return submission


def create_call(
    *,
    user,
    year: int,
    name: str,
    material: str,
    audience: str,
    receiver: Organisation,
    deadline: datetime.datetime,
    description: str = "",
) -> Call:
    """A call for materials. Attachments 3 and 4 go to the association ("报送至山东继续工程教育协会"),
    everything else to the provincial bureau ("报送至我厅")."""
    wanted_kind = (
        Organisation.Kind.ASSOCIATION
        if audience == Call.Audience.EVALUATION_ENTRANTS
        else Organisation.Kind.PROVINCIAL_BUREAU
    )
    if receiver.kind != wanted_kind:
        raise ValidationError(
            {"receiver": [_("该类材料的接收单位应为%(kind)s。") % {"kind": Organisation.Kind(wanted_kind).label}]},
            code="wrong_receiver",
        )
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    call = Call(
        year=year,
        name=name,
        material=material,
        audience=audience,
        receiver=receiver,
        deadline=deadline,
        description=description,
        created_by=user,
    )
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def grant_extension(
    *, call: Call, unit: Organisation, deadline: datetime.datetime, reason: str, granted_by, request=None
) -> Extension:
    """Give one unit a later deadline, with a reason (one extension per unit and call; a new
    grant replaces the date and reason and is audited)."""
    if not is_reviewer_of(granted_by, call):
        raise NotReviewer(_("您不是该通知的审核单位工作人员。"), code="not_reviewer")
    if not is_expected(call=call, unit=unit):
        raise NotExpected(_("该单位不在该通知的报送范围内。"), code="not_expected")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写延期原因。")]}, code="reason_required")
    if deadline <= call.deadline:
        raise ValidationError({"deadline": [_("延长后的截止时间须晚于原截止时间。")]}, code="not_later")
    extension, _created = Extension.objects.update_or_create(
        call=call, unit=unit, defaults={"deadline": deadline, "reason": reason, "granted_by": granted_by}
    )
    audit(
        type=AuditEvent.Type.DEADLINE_EXTENDED,
        actor=granted_by,
        organisation=unit,
        target=str(call),
        data={"call": call.pk, "deadline": deadline.isoformat(), "reason": reason},
        request=request,
    )
    return extension
