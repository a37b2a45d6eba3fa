"""Files kept between two tries of the send form: one bad file must not cost the unit the good one.

A file that passes its checks is stored as a StagedUpload when it arrives; the form then shows it
as chosen (with a hidden reference) and the unit re-picks only the file that failed. Nothing of the
submission is written until both files are good (services.send_materials). A staged file is found
only for its uploader, call, unit and field, so nobody else can send it; it is deleted once the
materials are sent, and after STAGED_FOR in any case.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.uploads import DOC, DOCX, PDF, validate_upload

from .models import Call, StagedUpload

STAGED_FOR = datetime.timedelta(hours=24)

KINDS = {StagedUpload.Field.WORD: {DOCX, DOC}, StagedUpload.Field.PDF: {PDF}}
MISSING = {
    StagedUpload.Field.WORD: _("请上传Word版（.docx或.doc）文件。"),
    StagedUpload.Field.PDF: _("请上传PDF版文件。"),
}


def check_one(*, field: str, upload, max_bytes: int) -> None:
    """The rule for one file field, with the file's name in the message (a unit that picked the
    wrong file sees which one)."""
    try:
        validate_upload(upload, allowed=KINDS[field], max_bytes=max_bytes)
    except ValidationError as exc:
        raise ValidationError(
            [_("“%(name)s”：%(rule)s") % {"name": upload.name, "rule": message} for message in exc.messages],
            code="bad_file",
        ) from None


def stage(*, user, call: Call, unit, field: str, upload) -> StagedUpload:
    """Keep a file that passed check_one until the form is sent."""
    staged = StagedUpload(call=call, unit=unit, uploaded_by=user, field=field, original_name=upload.name[-200:])
    upload.seek(0)
    staged.file.save("staged", upload, save=False)
    staged.save()
    return staged


def find(*, user, call: Call, unit, field: str, pk) -> StagedUpload | None:
    """The user's own staged file for this call, unit and field, or None (also for anyone
    else's: a reference from another account or unit is simply not there)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return StagedUpload.objects.filter(
        pk=pk, uploaded_by=user, call=call, unit=unit, field=field, created_at__gte=timezone.now() - STAGED_FOR
    ).first()


def as_upload(staged: StagedUpload) -> File:
    """The staged file as an upload again, under the name the user gave it."""
    staged.file.open("rb")
    return File(staged.file, name=staged.original_name)


def discard(staged_files) -> None:
    for staged in staged_files:
        staged.file.delete(save=False)
        staged.delete()


def discard_for(*, user, call: Call, unit) -> None:
    """Once the materials are sent: the user's staged files for them are no longer needed."""
    discard(StagedUpload.objects.filter(uploaded_by=user, call=call, unit=unit))


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Delete staged files older than STAGED_FOR (forms never sent). How many."""
    old = list(StagedUpload.objects.filter(created_at__lt=(now or timezone.now()) - STAGED_FOR))
    discard(old)
    return len(old)
