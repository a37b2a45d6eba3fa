"""Format checker for uploaded Word study guides (attachment 1 of the 2022 notice).

`check_study_guide_docx(file)` reads a .docx and lists where it departs from the format:
题目（二号方正小标宋），第二行为单位名称（三号楷体），正文统一为三号仿宋，第一层次标题为三号黑体，
第二层次标题为三号楷体，第三层次标题为三号仿宋加粗。段落行距为29磅。
Fonts are compared by family (方正小标宋简体 and 方正小标宋_GBK both count as 方正小标宋).

It checks only what the notice sets (the four headings, faces, sizes, 加粗 on level-3 headings,
29 pt) and the A4 paper of GB/T 9704 ("公文用纸采用GB/T 148中规定的A4型纸"). Margins are the
author's: the notice sets none, so ordinary Word margins are not reported.
"""

import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import docx_format as fmt

REQUIRED_HEADINGS = ("一、学习内容", "二、学时要求", "三、学习形式", "四、相关要求")
LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
LEVEL3 = re.compile(r"^(\d+[.．、]|[（(]\d+[)）])")
FAMILIES = {
    "方正小标宋": ("方正小标宋", "FZXiaoBiaoSong", "FZXBS"),
    "楷体": ("楷体", "KaiTi", "STKaiti", "华文楷体"),
    "仿宋": ("仿宋", "FangSong", "STFangsong", "华文仿宋"),
    "黑体": ("黑体", "SimHei", "STHeiti", "华文黑体"),
}
MAX_ISSUES = 200


class CheckerError(ValueError):
    """The file is not a readable .docx (message in Chinese)."""


@dataclass(frozen=True)
class Issue:
    paragraph: int  # 1-based paragraph number in the document body; 0 for the whole document
    text: str  # the paragraph's first characters, to find it
    message: str


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)
    paragraphs_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues

    def add(self, paragraph: int, text: str, message: str) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(paragraph, text[:20], message))


@dataclass(frozen=True)
class Expected:
    label: object  # lazy translation
    family: str
    size: Pt
    bold: bool  # only 第三层次标题 must be bold; the notice says nothing of bold elsewhere


EXPECTED = {
    "title": Expected(gettext_lazy("题目"), "方正小标宋", fmt.SIZE_ER, False),
    "unit": Expected(gettext_lazy("单位名称"), "楷体", fmt.SIZE_SAN, False),
    "h1": Expected(gettext_lazy("第一层次标题"), "黑体", fmt.SIZE_SAN, False),
    "h2": Expected(gettext_lazy("第二层次标题"), "楷体", fmt.SIZE_SAN, False),
    "h3": Expected(gettext_lazy("第三层次标题"), "仿宋", fmt.SIZE_SAN, True),
    "body": Expected(gettext_lazy("正文"), "仿宋", fmt.SIZE_SAN, False),
}


def family_of(name: str | None) -> str | None:
    if not name:
        return None
    for family, spellings in FAMILIES.items():
        if any(s.lower() in name.lower() for s in spellings):
            return family
    return name


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _east_asia_font(run, paragraph, defaults_rpr) -> str | None:
    """The font Word uses for the run's Chinese text: run, then paragraph style chain, then defaults."""
    candidates = [run._r.rPr]
    candidates += [s.element.rPr for s in _style_chain(paragraph.style)]
    candidates.append(defaults_rpr)
    for rpr in candidates:
        if rpr is None:
            continue
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is not None:
            if rfonts.get(qn("w:eastAsiaTheme")):
                return _("主题字体")
            if rfonts.get(qn("w:eastAsia")):
                return rfonts.get(qn("w:eastAsia"))
    return None


def _effective(run, paragraph, attr: str):
    value = getattr(run.font, attr)
    if value is not None:
        return value
    for style in _style_chain(paragraph.style):
        value = getattr(style.font, attr)
        if value is not None:
            return value
    return None


def _line_spacing(paragraph):
    for pf in [paragraph.paragraph_format, *(s.paragraph_format for s in _style_chain(paragraph.style))]:
        if pf.line_spacing_rule is not None or pf.line_spacing is not None:
            return pf.line_spacing_rule, pf.line_spacing
    return None, None


def _classify(index: int, text: str) -> str:
    if index == 0:
        return "title"
    if index == 1:
        return "unit"
    if LEVEL1.match(text):
        return "h1"
    if LEVEL2.match(text):
        return "h2"
    if LEVEL3.match(text):
        return "h3"
    return "body"


def _open(file):
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        if not zipfile.is_zipfile(file):
            raise CheckerError(_("文件不是有效的 Word（.docx）文档，无法检查格式。"))
        if hasattr(file, "seek"):
            file.seek(0)
        return Document(file)
    except CheckerError:
        raise
    except Exception as exc:
        raise CheckerError(_("Word 文档已损坏或不是 .docx 格式，无法检查格式。")) from exc


def check_study_guide_docx(file) -> Report:
    """Report where a .docx departs from the attachment 1 format. Raises CheckerError for a
    file that isn't a readable .docx."""
    document = _open(file)
    report = Report()
    defaults = document.styles.element.find(qn("w:docDefaults"))
    defaults_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        report.add(0, "", _("文档没有任何文字内容。"))
        return report
    _check_page(report, document)
    texts = [p.text.strip() for p in paragraphs]
    for heading in REQUIRED_HEADINGS:
        if not any(t.replace(" ", "").startswith(heading) for t in texts):
            report.add(0, "", _("缺少标题“%(h)s”。") % {"h": heading})
    for index, paragraph in enumerate(paragraphs):
        report.paragraphs_checked += 1
        text = texts[index]
        expected = EXPECTED[_classify(index, text)]
        _check_paragraph(report, index + 1, text, paragraph, expected, defaults_rpr)
    return report


def _check_page(report: Report, document) -> None:
    """A4 paper (GB/T 9704, 1 mm tolerance), portrait or landscape."""
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    if width is not None and height is not None and width > height:
        width, height = height, width
    expected = {
        _("纸张宽度"): (width, fmt.PAGE_WIDTH),
        _("纸张高度"): (height, fmt.PAGE_HEIGHT),
    }
    for label, (actual, want) in expected.items():
        if actual is None or abs(actual - want) > Mm(1):
            got = f"{actual / Mm(1):.0f}" if actual is not None else _("未设置")
            report.add(
                0,
                "",
                _("页面：%(label)s应为%(want).0f毫米（实际：%(got)s毫米）")
                % {"label": label, "want": want / Mm(1), "got": got},
            )


def _check_paragraph(report: Report, number: int, text: str, paragraph, expected: Expected, defaults_rpr) -> None:
    problems: list[str] = []
    runs = [r for r in paragraph.runs if r.text.strip()]
    fonts = {family_of(_east_asia_font(r, paragraph, defaults_rpr)) for r in runs}
    if fonts and fonts != {expected.family}:
        found = "、".join(sorted(f or _("未设置") for f in fonts))
        problems.append(_("字体应为%(want)s（实际：%(got)s）") % {"want": expected.family, "got": found})
    sizes = {_effective(r, paragraph, "size") for r in runs}
    if sizes and sizes != {expected.size}:
        found = "、".join(sorted(f"{s.pt:g}磅" if s is not None else _("未设置") for s in sizes))
        problems.append(_("字号应为%(want)g磅（实际：%(got)s）") % {"want": expected.size.pt, "got": found})
    bolds = {bool(_effective(r, paragraph, "bold")) for r in runs}
    if expected.bold and bolds and bolds != {True}:
        problems.append(_("应加粗"))
    rule, spacing = _line_spacing(paragraph)
    if rule != WD_LINE_SPACING.EXACTLY or spacing is None or abs(spacing.pt - fmt.LINE_EXACT.pt) > 0.05:
        problems.append(_("行距应为固定值29磅"))
    if problems:
        report.add(number, text, _("%(label)s：%(p)s") % {"label": expected.label, "p": "；".join(problems)})
