"""Exports for reviewers: the state table as .xlsx, and all accepted files as one ZIP."""

import io
import tempfile
import zipfile

from django.db.models import F
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook

from documents.generators import attachment3, attachment4
from documents.selectors import pledge_doc, recommendation_table_doc, recommendations_of
from documents.services import safe_filename
from portal.formats import cn_datetime
from portal.spreadsheets import append_row
from portal.uploads import CONTENT_TYPES, XLSX

from .models import Submission, SubmissionVersion


def _local(value) -> str:
    """A moment as every export writes it: 2022年4月30日 23:59:59, Beijing time."""
    return cn_datetime(value)


def state_table_xlsx(call, rows) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("报送情况"))
    append_row(sheet, [call.name])
    append_row(
        sheet,
        [
            _("单位"),
            _("单位类型"),
            _("状态"),
            _("标题"),
            _("首次报送时间"),
            _("最近报送时间"),
            _("版本数"),
            _("截止时间"),
            _("延期原因"),
            _("审核意见"),
        ],
    )
    for row in rows:
        s = row.submission
        append_row(
            sheet,
            [
                row.unit.name,
                row.unit.get_kind_display(),
                str(row.state_label),
                s.title if s else "",
                _local(s.first_submitted_at) if s else "",
                _local(s.submitted_at) if s else "",
                s.current_version.number if s and s.current_version else 0,
                _local(row.deadline),
                row.extension.reason if row.extension else "",
                s.review_comment if s else "",
            ],
        )
    response = HttpResponse(content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = content_disposition_header(
        True, safe_filename(_("%(call)s-报送情况") % {"call": call.name}) + ".xlsx"
    )
    workbook.save(response)
    return response


def recommendation_materials_zip(call, unit) -> HttpResponse:
    """What a unit sent for attachments 3/4: its recommendation table and one pledge per course,
    as Word, made from the recommendations it submitted in the evaluation (nothing uploaded)."""
    table = recommendation_table_doc(unit, call.year)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"附件3_{unit.name}{call.year}年度优质在线公需课推荐表.docx", attachment3(table))
        for number, recommendation in enumerate(recommendations_of(unit, call.year), start=1):
            name = safe_filename(f"附件4_{number}_{recommendation.course.title}")[:80]
            archive.writestr(f"{name}.docx", attachment4(pledge_doc(recommendation)))
    filename = _("%(unit)s%(year)s年度附件3、附件4.zip") % {"unit": unit.name, "year": call.year}
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def accepted_zip(call) -> FileResponse:
    """Each accepted submission's current Word and PDF, named by the title, in a temporary
    file (never the whole archive in memory) that is streamed and then removed."""
    versions = SubmissionVersion.objects.filter(
        submission__call=call,
        submission__status=Submission.Status.ACCEPTED,
        submission__current_version=F("pk"),
    ).select_related("submission")
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it, which deletes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in versions.iterator(chunk_size=200):
            for field, ext in ((version.word_file, "docx"), (version.pdf_file, "pdf")):
                with field.open("rb") as source, archive.open(f"{version.submission.title}.{ext}", "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
    spool.seek(0)
    name = safe_filename(_("%(call)s-已通过材料") % {"call": call.name}) + ".zip"
    return FileResponse(spool, as_attachment=True, filename=name)
