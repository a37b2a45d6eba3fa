"""Word generators for the four attachments of the 2022 notice and the two certificates.

Each takes one dataclass from documents.data and returns the .docx as bytes.
"""

import io
import re

import qrcode
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm

from portal.formats import cn_date, format_hours

from . import docx_format as fmt
from .data import (
    GuideDoc,
    GuideSection,
    HoursCertificateDoc,
    PlatformTableDoc,
    PledgeDoc,
    RecommendationTableDoc,
    TeacherCertificateDoc,
)

# Characters XML 1.0 forbids (python-docx refuses them); a pasted form feed must not fail a job.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CN_NUMERALS = "一二三四五六七八九十"
_NUMBERED = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(]([一二三四五六七八九十]+|\d+)[)）]|\d+[.．、])")


class DocumentInputError(ValueError):
    """The data can't make this document; the message is Chinese and shown to the user."""


def clean(text: str | None) -> str:
    return _XML_INVALID.sub("", text or "")


def to_bytes(document) -> bytes:
    # The default template says "python-docx" wrote it in 2013; say who made it and when.
    properties = document.core_properties
    title = next((p.text for p in document.paragraphs if p.text and not p.text.startswith("附件")), "")
    properties.title = title[:200]
    properties.author = properties.last_modified_by = _("山东省专业技术人员继续教育公共服务平台")
    properties.created = properties.modified = timezone.now()
    properties.comments = properties.keywords = properties.subject = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n - 1]
    if n < 20:
        return "十" + CN_NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def numbered_heading(level: int, index: int, heading: str) -> str:
    """一、 / （一） / 1. before a heading, unless the author already numbered it."""
    heading = clean(heading).strip()
    if _NUMBERED.match(heading):
        return heading
    if level == 1:
        return f"{cn_number(index)}、{heading}"
    if level == 2:
        return f"（{cn_number(index)}）{heading}"
    return f"{index}.{heading}"


def add_body(document, text: str) -> None:
    for line in clean(text).splitlines():
        if line.strip():
            fmt.add_paragraph(document, line.strip(), fmt.BODY, first_line_indent=True)


def add_attachment_label(document, number: int) -> None:
    fmt.add_paragraph(document, _("附件%(n)s") % {"n": number}, fmt.ATTACHMENT_LABEL, align=WD_ALIGN_PARAGRAPH.LEFT)


def _add_section(document, section: GuideSection, index: int) -> None:
    level = min(max(section.level, 1), 3)
    face = fmt.HEADING_FACES[level]
    fmt.add_paragraph(
        document,
        numbered_heading(level, index, section.heading),
        face,
        align=WD_ALIGN_PARAGRAPH.LEFT if level == 1 else WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line_indent=True,
        outline_level=level - 1,
    )
    add_body(document, section.body)
    for i, child in enumerate(section.children, start=1):
        _add_section(document, child, i)


def attachment1(doc: GuideDoc) -> bytes:
    """专业技术人员继续教育指南 in the format of attachment 1 of the notice."""
    if not doc.sections:
        raise DocumentInputError(_("学习指南没有任何章节，无法生成附件1。请至少填写“一、学习内容”等章节。"))
    document = fmt.new_document()
    year = str(doc.year) if doc.year else "____"
    title = clean(doc.title).strip() or _("%(year)s年度专业技术人员继续教育指南") % {"year": year}
    fmt.add_paragraph(
        document,
        title,
        fmt.TITLE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        outline_level=0,
    )
    fmt.add_paragraph(document, clean(doc.unit_name), fmt.UNIT_NAME, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_body(document, doc.intro)
    for i, section in enumerate(doc.sections, start=1):
        _add_section(document, section, i)
    return to_bytes(document)


def blank_guide() -> GuideDoc:
    """The notice's reference format with placeholders, for units writing their guide by hand."""
    dots = "……"
    return GuideDoc(
        year=None,
        unit_name="XXXXXX",
        intro=f"{dots}\n{dots}",
        sections=(
            GuideSection(
                1,
                "学习内容",
                dots,
                (GuideSection(2, "XXXXXXXXXXXXXXXX", dots, (GuideSection(3, "XXXXXXXXXXXXXXXXXXXX", dots),)),),
            ),
            GuideSection(1, "学时要求", dots),
            GuideSection(1, "学习形式", dots),
            GuideSection(1, "相关要求", dots),
        ),
    )


def _add_form_header(document, number: int, title: str, unit_label: str, unit_name: str) -> None:
    add_attachment_label(document, number)
    fmt.add_paragraph(document, title, fmt.TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, outline_level=0)
    fmt.add_paragraph(
        document,
        _("%(label)s：%(unit)s（盖章）") % {"label": unit_label, "unit": clean(unit_name)},
        fmt.BODY,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )


def _add_form_footer(document, footer) -> None:
    """填报人 / 联系电话 / 填报日期, one line each as the notice prints them under the table."""
    fmt.add_paragraph(document, "", fmt.BODY)
    for line in (
        _("填报人：%(who)s") % {"who": clean(footer.filled_by)},
        _("联系电话：%(phone)s") % {"phone": clean(footer.phone)},
        _("填报日期：%(date)s") % {"date": cn_date(footer.filled_on) if footer.filled_on else ""},
    ):
        fmt.add_paragraph(document, line, fmt.BODY, align=WD_ALIGN_PARAGRAPH.LEFT)


def attachment2(doc: PlatformTableDoc) -> bytes:
    """继续教育学习平台信息统计表. Only units with a learning platform fill it in."""
    if not doc.platforms:
        raise DocumentInputError(
            _("%(unit)s没有登记继续教育学习平台：通知只要求建有网络学习平台的单位填写附件2。") % {"unit": doc.unit_name}
        )
    document = fmt.new_document(landscape=True)
    _add_form_header(document, 2, _("继续教育学习平台信息统计表"), _("填报单位"), doc.unit_name)
    width = fmt.usable_width_mm(document.sections[0])
    widths = [0.22, 0.26, 0.2, 0.16]
    widths_mm = [round(width * w, 1) for w in widths]
    widths_mm.append(round(width - sum(widths_mm), 1))
    rows = [
        [clean(p.name), clean(p.url), clean(p.audience), clean(p.department), clean(p.notes)] for p in doc.platforms
    ]
    fmt.add_table(
        document,
        widths_mm=widths_mm,
        header=[_("平台名称"), _("网络地址"), _("培训对象"), _("负责部门"), _("备注")],
        rows=rows,
    )
    _add_form_footer(document, doc.footer)
    return to_bytes(document)


def attachment3(doc: RecommendationTableDoc) -> bytes:
    """优质在线公需课推荐表."""
    if not doc.recommendations:
        raise DocumentInputError(
            _("%(unit)s在%(year)s年度没有推荐课程，无需填写附件3。") % {"unit": doc.unit_name, "year": doc.year}
        )
    document = fmt.new_document(landscape=True)
    _add_form_header(document, 3, _("优质在线公需课推荐表"), _("推荐单位"), doc.unit_name)
    width = fmt.usable_width_mm(document.sections[0])
    fractions = [0.06, 0.17, 0.37, 0.16, 0.14]
    widths_mm = [round(width * f, 1) for f in fractions]
    widths_mm.append(round(width - sum(widths_mm), 1))
    rows = [
        [str(i), clean(r.course_title), clean(r.intro), clean(r.study_url), clean(r.test_account), clean(r.notes)]
        for i, r in enumerate(doc.recommendations, start=1)
    ]
    fmt.add_table(
        document,
        widths_mm=widths_mm,
        header=[
            _("序号"),
            _("课程名称"),
            _("课程及师资简介（可另附页）"),
            _("学习网址"),
            _("测试账号（供专家评审用）"),
            _("备注"),
        ],
        rows=rows,
    )
    _add_form_footer(document, doc.footer)
    return to_bytes(document)


# Attachment 4 of the notice, word for word; the unit writes the course into the blank.
PLEDGE_TEXT = (
    "我单位自愿推荐_____课程参加优质在线公需课评选并承诺：我单位对上述课程（包括但不限于文档、源文件、图片、视频等）"
    "拥有完全的知识产权，无剽窃、抄袭等侵犯他人知识产权现象，如引起任何法律纠纷，其法律责任由本单位承担。"
)


def pledge_text(course_title: str) -> str:
    """The notice's pledge with the course named in the blank (as 《title》)."""
    return PLEDGE_TEXT.replace("_____", f"《{clean(course_title)}》")


def attachment4(doc: PledgeDoc) -> bytes:
    """知识产权保护承诺书: the wording of attachment 4, for one course."""
    document = fmt.new_document()
    add_attachment_label(document, 4)
    fmt.add_paragraph(document, _("知识产权保护承诺书"), fmt.TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, outline_level=0)
    fmt.add_paragraph(document, "", fmt.BODY)
    fmt.add_paragraph(document, pledge_text(doc.course_title), fmt.BODY, first_line_indent=True)
    for _i in range(3):
        fmt.add_paragraph(document, "", fmt.BODY)
    signed_on = cn_date(doc.signed_on) if doc.signed_on else _("%(year)s年  月  日") % {"year": doc.year}
    for line in (
        _("推荐单位名称（盖章）：%(unit)s") % {"unit": clean(doc.unit_name)},
        _("推荐单位负责人签字：%(who)s") % {"who": clean(doc.signatory)},
        _("日期：%(date)s") % {"date": signed_on},
    ):
        paragraph = fmt.add_paragraph(document, line, fmt.BODY, align=WD_ALIGN_PARAGRAPH.LEFT)
        # Right of centre like a signature, yet wide enough that a usual unit name stays on one line.
        paragraph.paragraph_format.left_indent = Mm(30)
    return to_bytes(document)


def qr_png(url: str) -> bytes:
    image = qrcode.make(url, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def hours_certificate(doc: HoursCertificateDoc) -> bytes:
    """专业技术人员继续教育学时证明 with the figures and a QR code to the public verification page."""
    document = fmt.new_document()
    fmt.add_paragraph(
        document, _("专业技术人员继续教育学时证明"), fmt.TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, outline_level=0
    )
    fmt.add_paragraph(document, "", fmt.BODY)
    result = _("已达到") if doc.compliant else _("未达到")
    fmt.add_paragraph(
        document,
        _(
            "兹证明%(name)s（身份证号：%(id)s），工作单位：%(employer)s，%(year)s年度参加专业技术人员继续教育"
            "累计%(total)s学时，其中公需课%(public)s学时、专业课%(prof)s学时，%(result)s年度学时要求。"
        )
        % {
            "name": clean(doc.name),
            "id": clean(doc.masked_id_number),
            "employer": clean(doc.employer) or "—",
            "year": doc.year,
            "total": doc.total_hours,
            "public": doc.public_hours,
            "prof": doc.professional_hours,
            "result": result,
        },
        fmt.BODY,
        first_line_indent=True,
    )
    fmt.add_paragraph(document, "", fmt.BODY)
    fmt.add_table(
        document,
        widths_mm=[52, 52, 52],
        header=[_("科目"), _("已完成学时"), _("年度要求")],
        rows=[
            [_("公需课"), format_hours(doc.public_hours), _("不少于%(h)s") % {"h": format_hours(doc.required_public)}],
            [
                _("专业课"),
                format_hours(doc.professional_hours),
                _("不少于%(h)s") % {"h": format_hours(doc.required_professional)},
            ],
            [_("合计"), format_hours(doc.total_hours), _("不少于%(h)s") % {"h": format_hours(doc.required_total)}],
        ],
    )
    fmt.add_paragraph(document, "", fmt.BODY)
    picture_paragraph = document.add_paragraph()
    picture_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Not the body's exact 29 pt: an exact line height would clip the picture to one line.
    picture_paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    picture_paragraph.add_run().add_picture(io.BytesIO(qr_png(doc.verify_url)), width=Mm(32))
    for line in (
        _("验证码：%(code)s") % {"code": clean(doc.code)},
        _("扫描二维码或访问 %(url)s 核验本证明") % {"url": clean(doc.verify_url)},
    ):
        fmt.add_paragraph(document, line, fmt.TABLE_BODY, align=WD_ALIGN_PARAGRAPH.CENTER, exact_spacing=False)
    fmt.add_paragraph(document, "", fmt.BODY)
    for line in (clean(doc.issuer), cn_date(doc.issued_on)):
        fmt.add_paragraph(document, line, fmt.BODY, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(document)


def teacher_certificate(doc: TeacherCertificateDoc) -> bytes:
    """优秀师资特聘证书, from the association to the teacher of a selected quality public course."""
    document = fmt.new_document(landscape=True)
    fmt.add_paragraph(document, "", fmt.BODY)
    fmt.add_paragraph(document, _("优秀师资特聘证书"), fmt.TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, outline_level=0)
    fmt.add_paragraph(
        document, _("证书编号：%(n)s") % {"n": clean(doc.number)}, fmt.UNIT_NAME, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    fmt.add_paragraph(document, "", fmt.BODY)
    unit = f"（{clean(doc.teacher_unit)}）" if doc.teacher_unit else ""
    fmt.add_paragraph(document, f"{clean(doc.teacher_name)}{unit}：", fmt.BODY, align=WD_ALIGN_PARAGRAPH.LEFT)
    fmt.add_paragraph(
        document,
        _(
            "您主讲的《%(course)s》课程入选%(year)s年度山东省优质在线公需课。特聘您为山东继续教育师资库优秀师资，"
            "特发此证。"
        )
        % {"course": clean(doc.course_title), "year": doc.year},
        fmt.BODY,
        first_line_indent=True,
    )
    fmt.add_paragraph(document, "", fmt.BODY)
    for line in (clean(doc.issuer), cn_date(doc.issued_on)):
        fmt.add_paragraph(document, line, fmt.BODY, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(document)
