"""The attachment 1 format checker used on the submissions review page."""

import io
import zipfile

import pytest
from docx import Document
from docx.shared import Mm, Pt

from documents import generators, samples
from documents.checker import CheckerError, check_study_guide_docx


def test_generated_guide_and_blank_template_pass_the_checker():
    assert check_study_guide_docx(io.BytesIO(generators.attachment1(samples.guide()))).ok
    report = check_study_guide_docx(io.BytesIO(generators.attachment1(generators.blank_guide())))
    assert report.ok and report.paragraphs_checked > 6


def _plain_guide(**run_fonts) -> io.BytesIO:
    document = Document()
    for text in ("2022年度专业技术人员继续教育指南", "某部门", "一、学习内容", "正文内容", "二、学时要求"):
        run = document.add_paragraph().add_run(text)
        run.font.size = Pt(16)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def test_plain_word_defaults_are_reported_paragraph_by_paragraph():
    report = check_study_guide_docx(_plain_guide())
    messages = {i.paragraph: i.message for i in report.issues}
    assert not report.ok
    assert "缺少标题“三、学习形式”。" in [i.message for i in report.issues if i.paragraph == 0]
    assert "缺少标题“四、相关要求”。" in [i.message for i in report.issues if i.paragraph == 0]
    assert messages[1].startswith("题目：字体应为方正小标宋")
    assert "字号应为22磅（实际：16磅）" in messages[1]
    assert "行距应为固定值29磅" in messages[1]
    assert messages[2].startswith("单位名称：字体应为楷体")
    assert messages[3].startswith("第一层次标题：字体应为黑体")
    assert messages[4].startswith("正文：字体应为仿宋")


def test_latin_only_font_names_are_not_enough_east_asia_must_be_set():
    content = generators.attachment1(samples.guide())
    document = Document(io.BytesIO(content))
    body = next(p for p in document.paragraphs if p.text.startswith("为深入实施"))
    from docx.oxml.ns import qn

    body.runs[0]._r.rPr.find(qn("w:rFonts")).set(qn("w:eastAsia"), "宋体")
    buffer = io.BytesIO()
    document.save(buffer)
    report = check_study_guide_docx(buffer)
    assert [i.message for i in report.issues] == ["正文：字体应为仿宋（实际：宋体）"]


def test_bold_missing_on_level3_heading_is_reported():
    document = Document(io.BytesIO(generators.attachment1(samples.guide())))
    heading = next(p for p in document.paragraphs if p.text.startswith("1.医疗质量安全"))
    heading.runs[0].font.bold = False
    buffer = io.BytesIO()
    document.save(buffer)
    assert [i.message for i in check_study_guide_docx(buffer).issues] == ["第三层次标题：应加粗"]


@pytest.mark.parametrize(
    "content",
    [b"", b"%PDF-1.7 not a word file", b"PK\x03\x04 truncated zip"],
    ids=["empty", "pdf", "truncated-zip"],
)
def test_corrupt_docx_gets_a_clear_chinese_error(content):
    with pytest.raises(CheckerError, match="Word"):
        check_study_guide_docx(io.BytesIO(content))


def test_zip_without_word_parts_gets_a_clear_chinese_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(CheckerError, match="已损坏"):
        check_study_guide_docx(buffer)


def test_us_letter_paper_is_reported_but_ordinary_margins_are_not():
    """GB/T 9704 sets A4 paper; the notice sets no margins, so Word's 25 mm ones are fine."""
    report = check_study_guide_docx(_plain_guide())
    page = [i.message for i in report.issues if i.message.startswith("页面：")]
    assert page == ["页面：纸张宽度应为210毫米（实际：216毫米）", "页面：纸张高度应为297毫米（实际：279毫米）"]


def _guide_on(width_mm: float, height_mm: float, margin_mm: float) -> io.BytesIO:
    document = Document(io.BytesIO(generators.attachment1(samples.guide())))
    section = document.sections[0]
    section.page_width, section.page_height = Mm(width_mm), Mm(height_mm)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(margin_mm))
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def test_a4_guide_with_word_default_margins_passes():
    assert check_study_guide_docx(_guide_on(210, 297, 25.4)).issues == []


def test_bold_is_required_only_where_the_notice_asks_for_it():
    document = Document(io.BytesIO(generators.attachment1(samples.guide())))
    body = next(p for p in document.paragraphs if p.text.startswith("为深入实施"))
    body.runs[0].font.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    assert check_study_guide_docx(buffer).ok
