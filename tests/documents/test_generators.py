"""Attachment format: every generated .docx is opened and checked paragraph by paragraph."""

import dataclasses
import datetime
import pathlib

import pytest
from django.conf import settings
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm

from documents import generators, samples
from documents.data import FormFooter, GuideDoc, GuideSection, PlatformTableDoc, input_hash
from documents.generators import DocumentInputError

from .helpers import open_docx, paragraph_by_text, run_faces

TITLE = ("方正小标宋简体", "方正小标宋简体", 22.0, False)
UNIT = ("楷体_GB2312", "楷体_GB2312", 16.0, False)
BODY = ("仿宋_GB2312", "仿宋_GB2312", 16.0, False)
H1 = ("黑体", "黑体", 16.0, False)
H2 = ("楷体_GB2312", "楷体_GB2312", 16.0, False)
H3 = ("仿宋_GB2312", "仿宋_GB2312", 16.0, True)


def test_attachment1_each_level_has_its_face_size_and_exact_29pt_spacing():
    document = open_docx(generators.attachment1(samples.guide()))
    expected = {
        "2022年度卫生健康行业继续教育指南": TITLE,
        "山东省卫生健康委员会": UNIT,
        "为深入实施": BODY,
        "一、学习内容": H1,
        "（一）卫生健康法律法规": H2,
        "学习《中华人民共和国": BODY,
        "1.医疗质量安全": H3,
        "二、学时要求": H1,
        "三、学习形式": H1,
        "四、相关要求": H1,
    }
    for start, face in expected.items():
        paragraph = paragraph_by_text(document, start)
        assert run_faces(paragraph) == {face}, start
        assert paragraph.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY, start
        assert paragraph.paragraph_format.line_spacing.pt == 29, start


def test_attachment1_page_is_a4_with_gbt9704_margins():
    section = open_docx(generators.attachment1(samples.guide())).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37
    assert round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28
    assert round(section.right_margin.mm) == 26
    assert section.orientation == WD_ORIENT.PORTRAIT


def test_theme_fonts_are_stripped_and_east_asian_language_is_zh_cn():
    document = open_docx(generators.attachment1(samples.guide()))
    for rfonts in document.styles.element.iter(qn("w:rFonts")):
        assert rfonts.get(qn("w:asciiTheme")) is None
        assert rfonts.get(qn("w:eastAsiaTheme")) is None
        assert rfonts.get(qn("w:hAnsiTheme")) is None
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert run._r.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_blank_template_has_the_four_required_headings_and_year_blank():
    document = open_docx(generators.attachment1(generators.blank_guide()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "____年度专业技术人员继续教育指南"
    for heading in ("一、学习内容", "二、学时要求", "三、学习形式", "四、相关要求"):
        assert heading in texts
    assert run_faces(paragraph_by_text(document, "（一）XXXX")) == {H2}
    assert run_faces(paragraph_by_text(document, "1.XXXX")) == {H3}


def test_guide_with_no_sections_is_refused_with_a_chinese_message():
    with pytest.raises(DocumentInputError, match="没有任何章节"):
        generators.attachment1(GuideDoc(2022, "某部门", ()))


def test_guide_with_empty_section_bodies_still_has_every_heading():
    guide = GuideDoc(
        2022, "某部门", tuple(GuideSection(1, h) for h in ("学习内容", "学时要求", "学习形式", "相关要求"))
    )
    texts = [p.text for p in open_docx(generators.attachment1(guide)).paragraphs]
    assert texts == [
        "2022年度专业技术人员继续教育指南",
        "某部门",
        "一、学习内容",
        "二、学时要求",
        "三、学习形式",
        "四、相关要求",
    ]


def test_very_long_text_non_bmp_characters_and_control_characters_survive():
    long_body = "继续教育" * 5000 + "\n" + "第二段𠀀𪚥" + "\x0c\x00"
    guide = GuideDoc(2022, "部门𠀀", (GuideSection(1, "学习内容", long_body),))
    document = open_docx(generators.attachment1(guide))
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == "部门𠀀"
    assert texts[3] == "继续教育" * 5000
    assert texts[4] == "第二段𠀀𪚥"  # the form feed and NUL are dropped, not a failed job


def test_already_numbered_headings_are_not_numbered_twice():
    guide = GuideDoc(2022, "部门", (GuideSection(1, "一、学习内容", "", (GuideSection(2, "（一）法律法规"),)),))
    texts = [p.text for p in open_docx(generators.attachment1(guide)).paragraphs]
    assert texts[2:] == ["一、学习内容", "（一）法律法规"]


def _table_is_fixed_with_grid_and_cell_widths(table):
    tbl = table._tbl
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert all(w > 0 for w in grid)
    for row in table.rows:
        assert [cell.width.twips for cell in row.cells] == grid
    return grid


def test_attachment2_platform_table_header_columns_and_footer():
    document = open_docx(generators.attachment2(samples.platforms()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "附件2"
    assert run_faces(document.paragraphs[1]) == {TITLE}
    assert texts[1] == "继续教育学习平台信息统计表"
    assert texts[2] == "填报单位：山东大学继续教育学院（盖章）"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["平台名称", "网络地址", "培训对象", "负责部门", "备注"]
    assert table.rows[2].cells[0].text == "齐鲁医学继续教育平台"
    grid = _table_is_fixed_with_grid_and_cell_widths(table)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    usable = section.page_width - section.left_margin - section.right_margin
    assert abs(sum(grid) - Mm(usable / Mm(1)).twips) < Mm(1).twips
    # The notice prints the footer on three lines; official dates carry no zero padding.
    assert texts[-3:] == ["填报人：张明", "联系电话：0531-88888888", "填报日期：2022年4月20日"]


def test_unit_with_no_platforms_gets_a_clear_error_for_attachment2():
    with pytest.raises(DocumentInputError, match="没有登记继续教育学习平台"):
        generators.attachment2(PlatformTableDoc("无平台单位", ()))


def test_attachment3_recommendation_table_columns_rows_and_footer():
    document = open_docx(generators.attachment3(samples.recommendations()))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "课程名称",
        "课程及师资简介（可另附页）",
        "学习网址",
        "测试账号（供专家评审用）",
        "备注",
    ]
    assert [c.text for c in table.rows[1].cells][:2] == ["1", "黄河流域生态保护和高质量发展"]
    assert table.rows[2].cells[0].text == "2"
    assert "推荐单位：山东大学继续教育学院（盖章）" in [p.text for p in document.paragraphs]
    _table_is_fixed_with_grid_and_cell_widths(table)
    for row in table.rows[1:]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                assert run_faces(paragraph) <= {("仿宋_GB2312", "仿宋_GB2312", 12.0, False)}
    assert run_faces(table.rows[0].cells[0].paragraphs[0]) == {("黑体", "黑体", 12.0, False)}


def test_a_date_prints_as_official_documents_write_it():
    doc = dataclasses.replace(samples.pledge(), signed_on=datetime.date(2022, 4, 25))
    texts = [p.text for p in open_docx(generators.attachment4(doc)).paragraphs]
    assert "日期：2022年4月25日" in texts
    table = dataclasses.replace(samples.platforms(), footer=FormFooter("张明", "0531", datetime.date(2022, 12, 5)))
    assert "填报日期：2022年12月5日" in [p.text for p in open_docx(generators.attachment2(table)).paragraphs]


def test_attachment4_is_the_notices_pledge_word_for_word():
    notice = (pathlib.Path(settings.BASE_DIR) / "portal" / "content" / "notice-2022.txt").read_text(encoding="utf-8")
    sentence = next(line for line in notice.splitlines() if line.startswith("我单位自愿推荐"))
    document = open_docx(generators.attachment4(samples.pledge()))
    pledge = paragraph_by_text(document, "我单位自愿推荐").text
    assert pledge == sentence.replace("_____", "《黄河流域生态保护和高质量发展》")
    labels = [p.text.split("：")[0] + "：" for p in document.paragraphs if "：" in p.text and p.text != pledge]
    assert labels == ["推荐单位名称（盖章）：", "推荐单位负责人签字：", "日期："]


def test_attachment1_carries_the_guides_own_title():
    doc = dataclasses.replace(samples.guide(), title="卫生健康专业技术人员继续教育指南（2022年度）")
    texts = [p.text for p in open_docx(generators.attachment1(doc)).paragraphs]
    assert texts[0] == "卫生健康专业技术人员继续教育指南（2022年度）"
    blank = open_docx(generators.attachment1(generators.blank_guide()))
    assert blank.paragraphs[0].text == "____年度专业技术人员继续教育指南"


def test_attachment4_pledge_wording_signature_and_date():
    document = open_docx(generators.attachment4(samples.pledge()))
    text = "\n".join(p.text for p in document.paragraphs)
    for phrase in (
        "知识产权保护承诺书",
        "《黄河流域生态保护和高质量发展》",
        "包括但不限于文档、源文件、图片、视频等",
        "拥有完全的知识产权",
        "无剽窃、抄袭等侵犯他人知识产权现象",
        "其法律责任由本单位承担",
        "推荐单位名称（盖章）：山东大学继续教育学院",
        "推荐单位负责人签字：赵强",
        "日期：2022年4月20日",
    ):
        assert phrase in text
    assert run_faces(paragraph_by_text(document, "我单位自愿推荐")) == {BODY}


def test_hours_certificate_shows_figures_qr_code_and_never_the_full_id_number():
    doc = samples.hours_certificate()
    content = generators.hours_certificate(doc)
    document = open_docx(content)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "专业技术人员继续教育学时证明" in text
    assert "370102********123X" in text
    assert "累计96.5学时，其中公需课32.0学时、专业课64.5学时，已达到年度学时要求" in text
    assert "验证码：K7Q2M9X4P3" in text
    assert doc.verify_url in text
    table = document.tables[0]
    assert [c.text for c in table.rows[3].cells] == ["合计", "96.5", "不少于90"]
    assert len(document.inline_shapes) == 1
    image = document.part.related_parts[document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert image.blob == generators.qr_png(doc.verify_url)  # the QR code encodes the verification URL


def test_qr_code_png_encodes_the_verification_url():
    png = generators.qr_png("http://127.0.0.1:8000/hours/verify/ABC/")
    assert png.startswith(b"\x89PNG")


def test_teacher_certificate_names_teacher_course_number_and_issuer():
    document = open_docx(generators.teacher_certificate(samples.teacher_certificate()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "优秀师资特聘证书" in text
    assert "证书编号：SDCEE-2022-0001" in text
    assert "李华（山东大学）：" in text
    assert "《黄河流域生态保护和高质量发展》课程入选2022年度山东省优质在线公需课" in text
    assert "山东省继续工程教育协会" in text


LABEL = ("黑体", "黑体", 16.0, False)
TABLE_HEAD = ("黑体", "黑体", 12.0, False)
TABLE_BODY = ("仿宋_GB2312", "仿宋_GB2312", 12.0, False)
# Small print under the hours certificate's QR code: 小四 仿宋 with single spacing (an exact
# 29 pt line would crowd the picture's caption).
SMALL_PRINT = ("验证码：", "扫描二维码")


@pytest.mark.parametrize("kind", sorted(k for k in samples.ALL if k != "attachment1"))
def test_forms_and_certificates_label_title_and_body_faces_with_exact_29pt_spacing(kind):
    document = open_docx(getattr(generators, kind)(samples.ALL[kind]()))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    title_seen = False
    for paragraph in paragraphs:
        text = paragraph.text
        if text.startswith(SMALL_PRINT):
            assert run_faces(paragraph) == {TABLE_BODY}, text
            continue
        if text.startswith("附件"):
            expected = LABEL
        elif not title_seen:
            expected, title_seen = TITLE, True
        elif text.startswith("证书编号："):
            expected = UNIT
        else:
            expected = BODY
        assert run_faces(paragraph) == {expected}, text
        assert paragraph.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY, text
        assert paragraph.paragraph_format.line_spacing.pt == 29, text
    assert title_seen
    for table in document.tables:
        assert {f for c in table.rows[0].cells for p in c.paragraphs for f in run_faces(p)} == {TABLE_HEAD}
        body = {f for row in table.rows[1:] for c in row.cells for p in c.paragraphs for f in run_faces(p)}
        assert body == {TABLE_BODY}


def test_input_hash_changes_with_the_data_and_only_with_it():
    guide = samples.guide()
    assert input_hash(guide) == input_hash(samples.guide())
    assert input_hash(guide) != input_hash(dataclasses.replace(guide, unit_name="另一个部门"))


def test_word_properties_name_the_document_and_the_portal_not_python_docx():
    properties = open_docx(generators.attachment2(samples.platforms())).core_properties
    assert properties.title == "继续教育学习平台信息统计表"
    assert properties.author == "山东省专业技术人员继续教育公共服务平台"
    assert properties.created.year >= 2024
