import io
import zipfile
from pathlib import Path

import olefile
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import DOC, DOCX, JPEG, PDF, PNG, XLSX, GeneratedName, upload_to, validate_upload

MB = 1024 * 1024


def minimal_pdf() -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("2022年度继续教育材料")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_real_files_are_recognised():
    assert validate_upload(upload("a.pdf", minimal_pdf()), allowed={PDF}, max_bytes=MB) == PDF
    assert validate_upload(upload("a.docx", docx_bytes()), allowed={DOCX}, max_bytes=MB) == DOCX
    assert validate_upload(upload("a.xlsx", xlsx_bytes()), allowed={XLSX}, max_bytes=MB) == XLSX
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    assert validate_upload(upload("a.png", png), allowed={PNG, JPEG}, max_bytes=MB) == PNG


def test_executable_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
    with pytest.raises(ValidationError) as info:
        validate_upload(upload("proof.pdf", exe), allowed={PDF}, max_bytes=MB)
    assert info.value.code == "wrong_type"
    assert "按文件内容检查" in info.value.messages[0]


def test_pdf_header_without_a_parsable_body_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(upload("fake.pdf", b"%PDF-1.4\nnot really a pdf"), allowed={PDF}, max_bytes=MB)


def test_docx_is_not_accepted_where_pdf_is_asked():
    with pytest.raises(ValidationError):
        validate_upload(upload("a.pdf", docx_bytes()), allowed={PDF}, max_bytes=MB)


def test_plain_zip_renamed_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError):
        validate_upload(upload("a.docx", buffer.getvalue()), allowed={DOCX}, max_bytes=MB)


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (300 * MB))
    with pytest.raises(ValidationError) as info:
        validate_upload(upload("bomb.docx", buffer.getvalue()), allowed={DOCX}, max_bytes=10 * MB)
    assert info.value.code == "zip_bomb"


def test_oversized_file_is_refused_before_reading():
    class Huge:
        size = 2 * 1024 * MB
        name = "huge.pdf"

        def read(self, *args):
            raise AssertionError("an oversized upload must not be read")

        def seek(self, *args):
            raise AssertionError("an oversized upload must not be read")

    with pytest.raises(ValidationError) as info:
        validate_upload(Huge(), allowed={PDF}, max_bytes=20 * MB)
    assert info.value.code == "too_large"
    assert "20 MB" in info.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as info:
        validate_upload(upload("a.pdf", b""), allowed={PDF}, max_bytes=MB)
    assert info.value.code == "empty"


def test_generated_names_hide_the_uploaded_name():
    path = upload_to("credits/proofs")(None, "张三 的证明.PDF")
    assert path.startswith("credits/proofs/")
    assert path.endswith(".pdf")
    assert "张三" not in path
    assert upload_to("x")(None, "evil.exe").endswith(".bin")
    assert upload_to("x") == GeneratedName("x")


def test_downloads_encode_chinese_file_names_for_browsers():
    from portal.uploads import download_response

    response = download_response(b"x", filename="课程目录-20221125.xlsx", kind=XLSX)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E8%AF%BE%E7%A8%8B" in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")


def _ooxml_with(content: bytes, part: str, replacement: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, replacement if item.filename == part else source.read(item.filename))
    return out.getvalue()


def _late_dtd(part: bytes) -> bytes:
    """The same part with a DTD after 5,000 bytes of comment: a check of each part's first
    4,096 bytes never saw it, and the part still parses."""
    declaration, _, rest = part.rpartition(b"?>")
    prolog = b"<!--" + b"x" * 5000 + b'--><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>'
    return (declaration + b"?>" if declaration else b"") + prolog + rest.lstrip()


@pytest.mark.parametrize(
    ("name", "content", "kind", "part"),
    [("a.docx", docx_bytes, DOCX, "word/document.xml"), ("a.xlsx", xlsx_bytes, XLSX, "xl/workbook.xml")],
)
def test_a_dtd_after_a_long_comment_is_refused(name, content, kind, part):
    original = content()
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        crafted = _ooxml_with(original, part, _late_dtd(archive.read(part)))
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(name, crafted), allowed={kind}, max_bytes=MB)
    assert exc.value.code == "corrupt" and "无法打开" in exc.value.messages[0]


WORD_97 = Path(__file__).resolve().parents[1] / "submissions" / "data" / "word97.doc"


def test_a_word_97_file_that_opens_is_accepted():
    assert validate_upload(upload("a.doc", WORD_97.read_bytes()), allowed={DOC}, max_bytes=MB) == DOC


def _without_fib(data: bytes) -> bytes:
    """The same compound file with its WordDocument stream's first bytes (the FIB) zeroed."""
    with olefile.OleFileIO(data) as ole:
        start = ole.openstream("WordDocument").read(32)
    at = data.index(start)
    return data[:at] + b"\x00" * 32 + data[at + 32 :]


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda data: data[:2048], id="truncated"),
        pytest.param(_without_fib, id="no-word-header"),
        pytest.param(lambda data: data[:512] + b"\xff" * (len(data) - 512), id="allocation-tables-garbage"),
    ],
)
def test_a_doc_that_cannot_be_opened_is_refused(broken):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("a.doc", broken(WORD_97.read_bytes())), allowed={DOC}, max_bytes=MB)
    assert exc.value.code == "wrong_type"
