"""The course upload template: the sheet to fill in with drop-downs, an instructions sheet, and a
hidden sheet holding the drop-downs' choices (the provider's own platforms, this year's topics)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Organisation
from portal.spreadsheets import append_row, workbook_bytes, write_cell

from .models import LearningPlatform, Topic

# Rows of the sheet that get the drop-downs (the upload takes at most MAX_IMPORT_ROWS rows).
TEMPLATE_ROWS = 2000
WIDTHS = [36, 10, 30, 24, 8, 10, 30, 36, 12, 12, 20, 10, 16, 40, 20, 12, 12]


def _instructions(columns) -> list[tuple[str, str, str]]:
    """(column, required, what to write) for the instructions sheet, one line per column."""
    notes = {
        "title": (_("必填"), _("不超过200个字；同一单位同名、同类别、同形式、同年度的课程不会重复导入。")),
        "category": (_("必填"), _("从下拉列表选择：公需课 或 专业课。")),
        "topic": (_("公需课必填"), _("从下拉列表选择本年度的公需科目专题。")),
        "sector": (_("专业课必填"), _("从下拉列表选择省级行业主管部门。")),
        "hours": (_("必填"), _("大于0的数字，最多一位小数，例如 1.5。")),
        "mode": (_("必填"), _("从下拉列表选择：线上 或 线下。")),
        "platform": (_("线上课程必填"), _("从下拉列表选择本单位的学习平台。")),
        "url": (_("选填"), _("以 http:// 或 https:// 开头的网址。")),
        "year_from": (_("必填"), _("四位年份，例如 2022。")),
        "year_to": (_("选填"), _("四位年份，不填则与起始年度相同。")),
        "teachers": (_("选填"), _("多位教师用顿号“、”分隔，每个姓名不超过64个字。")),
        "is_original": (_("必填"), _("从下拉列表选择：是 或 否。")),
        "copyright_holder": (_("原创课程必填"), _("不超过200个字。")),
        "description": (_("选填"), _("课程及师资简介。")),
        "place": (_("线下课程必填"), _("不超过200个字。")),
        "start_date": (_("线下课程必填"), _("日期，例如 2022-05-01。")),
        "end_date": (_("线下课程必填"), _("日期，不早于开始日期。")),
    }
    return [(header, *notes[name]) for name, header in columns]


def template_workbook(*, columns, provider: Organisation | None) -> bytes:
    """The upload template for `provider` (its platforms in the drop-down), with one example row."""
    year = timezone.localdate().year
    wb = Workbook()
    ws = wb.active
    ws.title = _("课程")
    append_row(ws, [header for _name, header in columns])
    example = {
        "title": "黄河流域生态保护和高质量发展专题讲座",
        "category": "公需课",
        "topic": "黄河流域生态保护和高质量发展",
        "hours": "3",
        "mode": "线上",
        "url": "https://jxjy.example.cn/course/1",
        "year_from": year,
        "year_to": year,
        "teachers": "张三、李四",
        "is_original": "是",
        "copyright_holder": "本单位",
        "description": "课程简介",
    }
    append_row(ws, [example.get(name, "") for name, _header in columns])
    for index, width in enumerate(WIDTHS[: len(columns)], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"

    platforms = (
        list(LearningPlatform.objects.filter(owner=provider, is_active=True).values_list("name", flat=True))
        if provider
        else []
    )
    latest_topic_year = Topic.objects.order_by("-year").values_list("year", flat=True).first()
    topics = list(
        Topic.objects.filter(year=latest_topic_year).order_by("order", "id").values_list("name", flat=True)
    )
    departments = list(
        Organisation.objects.filter(kind=Organisation.Kind.INDUSTRY_DEPARTMENT).order_by("name").values_list(
            "name", flat=True
        )
    )
    choices = {
        "category": ["公需课", "专业课"],
        "mode": ["线上", "线下"],
        "is_original": ["是", "否"],
        "topic": topics,
        "sector": departments,
        "platform": platforms,
    }
    lists = wb.create_sheet(_("选项"))
    lists.sheet_state = "hidden"
    names = [name for name, _header in columns]
    for list_column, (name, values) in enumerate(choices.items(), start=1):
        if not values:
            continue
        letter = get_column_letter(list_column)
        for row_number, value in enumerate(values, start=1):
            write_cell(lists, row=row_number, column=list_column, value=value)
        target = get_column_letter(names.index(name) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("请从下拉列表选择"),
            error=_("该列只能填写下拉列表中的值。"),
        )
        ws.add_data_validation(validation)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")

    guide = wb.create_sheet(_("填写说明"))
    append_row(guide, [_("列名"), _("是否必填"), _("填写要求")])
    for line in _instructions(columns):
        append_row(guide, line)
    append_row(guide, [])
    append_row(guide, [_("说明"), "", _("所有行都正确才会导入；导入的课程为草稿，检查后可在“本单位课程”中批量发布。")])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 16
    guide.column_dimensions["C"].width = 80
    return workbook_bytes(wb)
