"""Comparing two versions of a unit's materials: file facts and the Word text's changes."""

import difflib
import io
import logging

from docx import Document
from pypdf import PdfReader

# Enough for any yearly study guide; a longer file is compared on its first paragraphs only.
MAX_PARAGRAPHS = 3000

logger = logging.getLogger(__name__)


def word_paragraphs(fieldfile) -> list[str] | None:
    """The Word text's non-empty paragraphs, or None when the stored file does not open (a .doc,
    or a file stored before uploads were parsed): the page then says so instead of failing."""
    try:
        with fieldfile.open("rb") as handle:
            document = Document(io.BytesIO(handle.read()))
    except Exception:  # python-docx and lxml raise many kinds on broken packages
        logger.warning("stored Word file %s does not open for comparison", fieldfile.name, exc_info=True)
        return None
    lines = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    return lines[:MAX_PARAGRAPHS]


def pdf_pages(fieldfile) -> int | None:
    try:
        with fieldfile.open("rb") as handle:
            return len(PdfReader(io.BytesIO(handle.read())).pages)
    except Exception:  # a stored file that no longer parses just shows no count
        logger.warning("stored PDF %s does not open for comparison", fieldfile.name, exc_info=True)
        return None


def compare_versions(a, b) -> dict:
    """Changed lines of the Word text (added "+", removed "-", unchanged " ") and both PDFs' page counts."""
    old, new = word_paragraphs(a.word_file), word_paragraphs(b.word_file)
    unreadable = old is None or new is None
    if unreadable:
        old = new = []
    lines = []
    for line in difflib.ndiff(old, new):
        tag = line[:1]
        if tag in "+- ":
            lines.append({"tag": {"+": "added", "-": "removed", " ": "same"}[tag], "text": line[2:]})
    return {
        "lines": lines,
        "changed": any(line["tag"] != "same" for line in lines),
        "unreadable": unreadable,
        "pdf_pages": (pdf_pages(a.pdf_file), pdf_pages(b.pdf_file)),
    }
