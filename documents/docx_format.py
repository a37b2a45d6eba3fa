"""The Word formatting layer: official faces, sizes and spacing that Word, WPS and LibreOffice all honour.

Facts this module is built on (checked against python-docx 1.2's default template):
- `run.font.name` sets only the Latin slots (ascii/hAnsi); Chinese text uses `w:eastAsia`, so
  every run gets all three set explicitly.
- The default template's styles name theme fonts (`w:asciiTheme`, `w:eastAsiaTheme`, ...); a
  theme attribute wins over an explicit name, so they are stripped from the whole style sheet.
- The default template is US Letter with an English language tag: set A4, the GB/T 9704
  margins and `w:lang w:eastAsia="zh-CN"` (line breaking and punctuation follow the language).
- Table widths hold only with a grid (`w:gridCol`), a width on every cell and a fixed layout.
"""

from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# The faces the notice names, spelled as Word and WPS know them on a Chinese desktop.
FONT_TITLE = "方正小标宋简体"
FONT_KAI = "楷体_GB2312"
FONT_FANGSONG = "仿宋_GB2312"
FONT_HEI = "黑体"

# Chinese type sizes (字号) in points.
SIZE_ER = Pt(22)  # 二号
SIZE_SAN = Pt(16)  # 三号
SIZE_SI = Pt(14)  # 四号
SIZE_XIAOSI = Pt(12)  # 小四

LINE_EXACT = Pt(29)

# GB/T 9704-2012 page: A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)

THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


@dataclass(frozen=True)
class Face:
    """One text level of the official format: which face, how big, bold or not."""

    font: str
    size: Pt
    bold: bool = False


TITLE = Face(FONT_TITLE, SIZE_ER)
UNIT_NAME = Face(FONT_KAI, SIZE_SAN)
BODY = Face(FONT_FANGSONG, SIZE_SAN)
HEADING_1 = Face(FONT_HEI, SIZE_SAN)
HEADING_2 = Face(FONT_KAI, SIZE_SAN)
HEADING_3 = Face(FONT_FANGSONG, SIZE_SAN, bold=True)
TABLE_HEAD = Face(FONT_HEI, SIZE_XIAOSI)
TABLE_BODY = Face(FONT_FANGSONG, SIZE_XIAOSI)
ATTACHMENT_LABEL = Face(FONT_HEI, SIZE_SAN)
HEADING_FACES = {1: HEADING_1, 2: HEADING_2, 3: HEADING_3}


def set_rfonts(rpr, font: str) -> None:
    """Name `font` in every slot of a run-properties element (Latin, East Asian, complex script)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attr), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), font)


def set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def strip_theme_fonts(document) -> None:
    """Remove theme font attributes from the whole style sheet: they would override our names."""
    for rfonts in document.styles.element.iter(qn("w:rFonts")):
        for attr in THEME_ATTRIBUTES:
            rfonts.attrib.pop(qn(attr), None)


def set_page(section, *, landscape: bool = False) -> None:
    """A4 with the GB/T 9704 margins (turned with the page for wide tables)."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
        section.top_margin, section.bottom_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.left_margin, section.right_margin = MARGIN_TOP, MARGIN_BOTTOM
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = Mm(15)


def new_document(*, landscape: bool = False):
    """An empty document with the official defaults: body face, zh-CN, A4, 29 pt lines."""
    document = Document()
    strip_theme_fonts(document)
    doc_defaults_rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_rfonts(doc_defaults_rpr, BODY.font)
    set_lang(doc_defaults_rpr)
    normal = document.styles["Normal"]
    normal.font.size = BODY.size
    set_rfonts(normal.element.get_or_add_rPr(), BODY.font)
    set_lang(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_EXACT
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    set_page(document.sections[0], landscape=landscape)
    return document


def style_run(run, face: Face) -> None:
    rpr = run._r.get_or_add_rPr()
    set_rfonts(rpr, face.font)
    run.font.size = face.size
    run.font.bold = face.bold
    set_lang(rpr)


def add_paragraph(
    container,
    text: str,
    face: Face,
    *,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_line_indent: bool = False,
    exact_spacing: bool = True,
    outline_level: int | None = None,
):
    """A paragraph in one face. Body paragraphs indent their first line by two characters."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact_spacing:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_EXACT
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if first_line_indent:
        fmt.first_line_indent = Pt(face.size.pt * 2)
    if outline_level is not None:
        # Word's navigation pane and WPS's outline show the headings without Heading styles,
        # whose theme colours and fonts would fight the official format.
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(outline_level))
        paragraph._p.get_or_add_pPr().append(outline)
    if text:
        style_run(paragraph.add_run(text), face)
    return paragraph


def add_table(document, *, widths_mm: list[float], header: list[str], rows: list[list[str]]):
    """A bordered table whose column widths hold in Word, WPS and LibreOffice."""
    table = document.add_table(rows=1 + len(rows), cols=len(widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout w:type="fixed"
    widths = [Mm(w) for w in widths_mm]
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width.twips))
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for r, values in enumerate([header, *rows]):
        row = table.rows[r]
        if r == 0:
            # Repeat the header row on every page of a long table.
            tr_pr = row._tr.get_or_add_trPr()
            tbl_header = OxmlElement("w:tblHeader")
            tr_pr.append(tbl_header)
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            lines = str(value).split("\n")
            for i, line in enumerate(lines):
                p = paragraph if i == 0 else cell.add_paragraph()
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                p.paragraph_format.space_after = Pt(0)
                if line:
                    style_run(p.add_run(line), TABLE_HEAD if r == 0 else TABLE_BODY)
    return table


def usable_width_mm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)
