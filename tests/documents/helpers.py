"""Reading generated .docx files back: effective faces per paragraph."""

import io
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")


def open_docx(content: bytes):
    return Document(io.BytesIO(content))


def run_faces(paragraph) -> set[tuple]:
    """(eastAsia, ascii, size in pt, bold) of every non-empty run, set directly on the run."""
    faces = set()
    for run in paragraph.runs:
        if not run.text.strip():
            continue
        rfonts = run._r.rPr.find(qn("w:rFonts"))
        faces.add((rfonts.get(qn("w:eastAsia")), rfonts.get(qn("w:ascii")), run.font.size.pt, bool(run.font.bold)))
    return faces


def paragraph_by_text(document, start: str):
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(start):
            return paragraph
    raise AssertionError(f"no paragraph starts with {start!r}")


def pdf_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
