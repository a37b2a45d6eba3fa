"""One allow-list for uploads, shared by every form and API endpoint.

A file is what its bytes say, not what its name says: a .docx must be an Office Open XML
package with a document part, a PDF must start with a PDF header and parse, an image must carry
its format's signature. Files are stored under generated names and served only as attachments
by views that check access.
"""

import io
import itertools
import struct
import uuid
import zipfile
from pathlib import PurePath

import olefile
from botocore.exceptions import BotoCoreError, ClientError
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as safe_xml
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from docx import Document
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal.errors import StorageUnavailable

PDF, DOCX, DOC, XLSX, JPEG, PNG = "pdf", "docx", "doc", "xlsx", "jpeg", "png"

EXTENSIONS = {PDF: "pdf", DOCX: "docx", DOC: "doc", XLSX: "xlsx", JPEG: "jpg", PNG: "png"}
LABELS = {PDF: "PDF", DOCX: "Word (.docx)", DOC: "Word 97-2003 (.doc)", XLSX: "Excel (.xlsx)", JPEG: "JPG", PNG: "PNG"}
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DOC: "application/msword",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    JPEG: "image/jpeg",
    PNG: "image/png",
}

# Office packages: the part each kind must contain.
_OOXML_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
# A zip that inflates beyond this, or by more than this ratio, is treated as a zip bomb.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 5000


def _head(file, size: int = 8) -> bytes:
    file.seek(0)
    data = file.read(size)
    file.seek(0)
    return data


def _zip_kind(file) -> str | None:
    """DOCX or XLSX if the file is a sane OOXML package, None if it isn't one at all."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise ValidationError(_("压缩包内文件过多，疑似异常文件。"), code="zip_bomb")
            total = sum(m.file_size for m in members)
            compressed = sum(m.compress_size for m in members) or 1
            if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
                raise ValidationError(_("文件解压后体积异常，疑似压缩炸弹，已拒绝。"), code="zip_bomb")
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                return None
            for kind, part in _OOXML_MAIN_PART.items():
                if part in names:
                    if archive.testzip() is not None:
                        raise ValidationError(_("文件已损坏，无法读取。"), code="corrupt")
                    return kind
            return None
    except zipfile.BadZipFile:
        return None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError):
        raise ValidationError(_("文件已损坏或格式不受支持。"), code="corrupt") from None
    finally:
        file.seek(0)


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# MS-DOC 2.5.1: the File Information Block starts the WordDocument stream with wIdent 0xA5EC;
# bit 9 of the flags at offset 0x0A says which table stream (0Table or 1Table) holds the text's map.
_FIB_IDENT = b"\xec\xa5"
_FIB_WHICH_TABLE = 0x0200


def _is_word_97(file) -> bool:
    """A Word 97-2003 (.doc) file opens: an OLE compound file that olefile reads (header,
    allocation tables, directory), whose WordDocument stream starts with a Word FIB and whose
    table stream is there. Cheap (no text is read), so it runs in the request."""
    file.seek(0)
    try:
        data = file.read()
    finally:
        file.seek(0)
    if not olefile.isOleFile(data=data):
        return False
    try:
        with olefile.OleFileIO(data) as ole:
            if ole.get_type("WordDocument") != olefile.STGTY_STREAM:
                return False
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) < 12 or fib[:2] != _FIB_IDENT:
                return False
            table = "1Table" if int.from_bytes(fib[10:12], "little") & _FIB_WHICH_TABLE else "0Table"
            return ole.get_type(table) == olefile.STGTY_STREAM
    except (OSError, ValueError, IndexError, struct.error, RecursionError):
        return False


def _pdf_parses(file) -> bool:
    file.seek(0)
    try:
        reader = PdfReader(io.BytesIO(file.read()))
        return len(reader.pages) > 0
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, AssertionError):
        return False
    finally:
        file.seek(0)


def sniff(file) -> str | None:
    """The kind the file's content shows, or None."""
    head = _head(file)
    if head.startswith(b"%PDF-"):
        return PDF if _pdf_parses(file) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file)
    if head.startswith(OLE_SIGNATURE):
        return DOC if _is_word_97(file) else None
    return None


# Longest original file name accepted (names are stored and shown, never used on disk).
MAX_NAME_LENGTH = 200


def _has_dtd(archive: zipfile.ZipFile) -> bool:
    """Office Open XML never declares a DTD: a part that does (anywhere in it, say after a long
    comment) is an entity-expansion attempt. defusedxml refuses DTDs and entities while parsing;
    a part that is not well-formed XML is refused as well."""
    for member in archive.infolist():
        if member.filename.endswith((".xml", ".rels")):
            with archive.open(member) as part:
                try:
                    for _event in safe_xml.iterparse(part, forbid_dtd=True):
                        pass
                except (DefusedXmlException, safe_xml.ParseError):
                    return True
    return False


def _docx_opens(file) -> bool:
    """The Word file opens: no DTD in any part, and python-docx reads its package and body."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            if _has_dtd(archive):
                return False
        file.seek(0)
        Document(file).paragraphs  # noqa: B018 - parsing the body is the check
        return True
    except Exception:  # python-docx and lxml raise many kinds on broken packages
        return False
    finally:
        file.seek(0)


def _xlsx_is_plain_xml(file) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return not _has_dtd(archive)
    finally:
        file.seek(0)


def validate_upload(file, *, allowed: set[str], max_bytes: int) -> str:
    """Check an uploaded file by its content; return its kind or raise a Chinese ValidationError.

    The size is checked first, from the upload's declared size, so an oversized file is refused
    before any of it is read.
    """
    if file is None:
        raise ValidationError(_("请选择要上传的文件。"), code="required")
    size = getattr(file, "size", None)
    if size is None:
        raise ValidationError(_("无法确定文件大小。"), code="invalid")
    if size == 0:
        raise ValidationError(_("文件为空。"), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("文件过大：不能超过 %(limit)s MB。") % {"limit": f"{max_bytes / 1024 / 1024:g}"},
            code="too_large",
        )
    name = getattr(file, "name", "") or ""
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("文件名过长：不能超过 %(max)s 个字符，请改短后再上传。") % {"max": MAX_NAME_LENGTH}, code="name_too_long"
        )
    kind = sniff(file)
    wanted = "、".join(LABELS[k] for k in sorted(allowed))
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("文件内容不是有效的 %(kinds)s 文件（按文件内容检查，而非扩展名）。") % {"kinds": wanted},
            code="wrong_type",
        )
    if kind == DOCX and not _docx_opens(file):
        raise ValidationError(_("无法打开该 Word 文件：文件已损坏或结构不完整，请重新保存后上传。"), code="corrupt")
    if kind == XLSX and not _xlsx_is_plain_xml(file):
        raise ValidationError(_("无法打开该 Excel 文件：文件已损坏或结构不完整，请重新保存后上传。"), code="corrupt")
    return kind


@deconstructible
class GeneratedName:
    """A FileField `upload_to` that stores files under a generated name: <prefix>/<yyyy>/<uuid>.<ext>.

    A class (not a closure) so migrations can serialise it.
    """

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename or "").suffix.lower().lstrip(".")
        ext = suffix if suffix in EXTENSIONS.values() or suffix == "zip" else "bin"
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)


def upload_to(prefix: str) -> GeneratedName:
    """`FileField(upload_to=upload_to("credits/proofs"))`."""
    return GeneratedName(prefix)


def attachment_response(fieldfile, download_name: str) -> FileResponse:
    """Serve a stored file as a download (never inline), with a safe file name.

    The first block is read here, inside the view: when object storage is down or hung the
    request gets the Chinese 503 page (portal.errors) instead of headers followed by a broken
    file. A store that fails after that cuts the body short of its Content-Length, which every
    browser reports as a failed download."""
    try:
        fieldfile.open("rb")
        response = FileResponse(fieldfile, as_attachment=True, filename=download_name)
        chunks = iter(response.streaming_content)
        first = next(chunks, b"")
    except (BotoCoreError, ClientError) as error:
        fieldfile.close()
        raise StorageUnavailable(str(error)) from error
    response.streaming_content = itertools.chain([first], chunks)
    return response


def download_response(content: bytes, *, filename: str, kind: str) -> HttpResponse:
    """Generated content (an export, a template) as a download; Chinese file names are encoded
    per RFC 6266 so browsers show them as written."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
