"""The hook for the documents app's study-guide format checker (attachment 1's format).

If `documents.checker.check_study_guide_docx(file) -> report` exists, the reviewer's page shows
its report for the Word file of a study-guide call; if not, nothing is shown.
"""

import logging
from importlib import import_module

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _checker():
    try:
        module = import_module("documents.checker")
    except ImportError:
        return None
    return getattr(module, "check_study_guide_docx", None)


def format_report_for(submission):
    """The checker's report for the current Word file of a study-guide call, or None."""
    if not submission.call.is_study_guide or submission.current_version is None:
        return None
    check = _checker()
    if check is None:
        return None
    if submission.current_version.word_file.name.endswith(".doc"):
        # A Word 97-2003 file is accepted as Word, but the checker reads only .docx.
        return {"ok": None, "items": [], "text": _("Word 97-2003（.doc）文件无法自动检查格式，请人工核对。")}
    try:
        with submission.current_version.word_file.open("rb") as handle:
            return normalise(check(handle))
    except ValueError as exc:  # documents.checker.CheckerError: not a readable .docx
        return {"ok": False, "items": [str(exc)], "text": ""}
    except Exception:  # a checker failure must not hide the materials from the reviewer
        logger.exception("study guide format check failed for submission %s", submission.pk)
        return None


def _get(report, name):
    return report.get(name) if isinstance(report, dict) else getattr(report, name, None)


def normalise(report) -> dict | None:
    """{"ok": bool | None, "items": [str, ...], "text": str} from whatever shape the checker returns
    (an object or dict with `ok` and `problems`/`issues`/`findings`, or a plain list)."""
    if report is None:
        return None
    if isinstance(report, list | tuple):
        return {"ok": not report, "items": [str(i) for i in report], "text": ""}
    items = next((v for n in ("problems", "issues", "findings") if (v := _get(report, n)) is not None), None)
    ok = _get(report, "ok")
    if items is None and ok is None:
        return {"ok": None, "items": [], "text": str(report)}
    return {"ok": ok, "items": [_describe(i) for i in items or []], "text": ""}


def _describe(issue) -> str:
    """ "第3段「一、学习内容」：字体应为黑体" for an issue with paragraph/text/message, else str()."""
    message = _get(issue, "message")
    if message is None:
        return str(issue)
    paragraph, text = _get(issue, "paragraph"), _get(issue, "text")
    if paragraph:
        return f"第{paragraph}段「{text}」：{message}"
    return str(message)
