"""The hours import in Excel (批量导入学时记录): the template a CE base or a city bureau fills in, with
drop-downs naming its own courses and approved trainings, a 填写说明 sheet and a hidden sheet of
choices; reading an upload back into intake rows; and its errors worded as the sheet's rows and
columns ("第5行「身份证号」：…")."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Organisation
from accounts.validators import mask_id_number
from courses.models import Course, WorkPlan, WorkPlanTraining
from portal.spreadsheets import FORMULA_REFUSED, append_row, formula_in, workbook_bytes, write_cell

from .models import YearPolicy
from .services import MAX_RECORD_HOURS, year_is_closed
from .services.intake import BulkRejected, RowError

# (intake field, column header). The order is the sheet's; the headers name the columns in errors.
IMPORT_HEADERS = [
    ("id_number", "身份证号"),
    ("year", "计入年度"),
    ("category", "科目类别"),
    ("hours", "学时"),
    ("course", "平台课程"),
    ("title", "课程或培训名称"),
    ("source", "学习形式"),
    ("completed_on", "完成日期"),
    ("external_ref", "外部编号"),
    ("training", "工作计划培训"),
]
# The headers of the template before issue 23: files filled in on it are still read.
LEGACY_HEADERS = [
    "身份证号",
    "计入年度",
    "科目类别（公需课/专业课）",
    "学时",
    "课程编号（可空）",
    "课程或培训名称",
    "来源（平台课程学习/线下培训）",
    "完成日期（YYYY-MM-DD）",
    "外部编号（本单位内唯一）",
    "工作计划培训编号（基地线下培训填写）",
]
HEADER_OF = dict(IMPORT_HEADERS)
CATEGORY_WORDS = {"公需课": "public", "专业课": "professional", "public": "public", "professional": "professional"}
SOURCE_WORDS = {"平台课程学习": "platform", "线下培训": "offline", "platform": "platform", "offline": "offline"}
# The template's example row carries this in its 外部编号; a file that still holds it is refused.
EXAMPLE_MARK = "示例"
EXAMPLE_REF = "示例（导入前请删除本行）"
# Rows of the sheet that get the drop-downs and checks.
TEMPLATE_ROWS = 2000
WIDTHS = [22, 10, 10, 8, 40, 30, 14, 14, 24, 48]
COURSE_LABEL = re.compile(r"（课程编号([0-9]+)）$")


# The labels are values of the sheet, read back by the upload: like 公需课 and 专业课, they are not
# translated (a file filled in under one language is read under another).


def course_label(course: Course) -> str:
    """How the template names a course: its title, and its number to tell courses named alike apart."""
    return f"{course.title}（课程编号{course.pk}）"


def training_label(training: WorkPlanTraining, position: int) -> str:
    """How the template names a training: its title and its place in the approved plan."""
    return f"{training.title}（{training.plan.year}年度工作计划第{position}项）"


def _trainings(organisation: Organisation, years=None) -> list[tuple[str, WorkPlanTraining]]:
    """(label, training) of the unit's approved work plans (of `years`, when given); nothing for a
    unit that is not a CE base (only bases register trainings)."""
    if organisation.kind != Organisation.Kind.CE_BASE:
        return []
    rows = WorkPlanTraining.objects.filter(plan__base=organisation, plan__status=WorkPlan.Status.APPROVED)
    if years is not None:
        rows = rows.filter(plan__year__in=years)
    labelled, positions = [], {}
    for training in rows.select_related("plan").order_by("plan__year", "order", "id"):
        positions[training.plan_id] = positions.get(training.plan_id, 0) + 1
        labelled.append((training_label(training, positions[training.plan_id]), training))
    return labelled


def _courses(organisation: Organisation, years) -> list[Course]:
    """The unit's published courses offered in `years`; for a CE base only those on its own running
    platform (its offline hours go through its work plan's trainings)."""
    rows = Course.objects.filter(
        provider=organisation, status=Course.Status.PUBLISHED, year_from__lte=max(years), year_to__gte=min(years)
    )
    if organisation.kind == Organisation.Kind.CE_BASE:
        rows = rows.filter(platform__owner=organisation, platform__is_active=True)
    return list(rows.order_by("title", "id").only("id", "title", "hours", "category"))


def template_years(today: datetime.date | None = None) -> list[int]:
    """The years the template offers: this year, and last year while it is still open for registration."""
    year = (today or timezone.localdate()).year
    last = YearPolicy.objects.filter(year=year - 1).first()
    if last is not None and not year_is_closed(policy=last, on=today):
        return [year - 1, year]
    return [year]


def _instructions(*, years: list[int], has_trainings: bool, has_courses: bool) -> list[tuple[str, str, str]]:
    """(column, required, what to write) for the 填写说明 sheet, one line per column."""
    year_text = "、".join(str(y) for y in years)
    notes = {
        "id_number": (_("必填"), _("18位居民身份证号；须是本单位可登记范围内的专业技术人员。")),
        "year": (_("必填"), _("学时计入的年度，即完成当年，例如 %(years)s。") % {"years": year_text}),
        "category": (_("必填"), _("从下拉列表选择：公需课 或 专业课；须与所选课程或培训的类别一致。")),
        "hours": (_("必填"), _("大于0的数字，最多一位小数，例如 1.5；不超过课程或培训的学时。")),
        "course": (
            _("平台课程学习必填"),
            _("从下拉列表选择本单位学习平台上%(years)s年度开设的课程。") % {"years": year_text}
            if has_courses
            else _("本单位目前没有可登记的平台课程，此列留空。"),
        ),
        "title": (_("选填"), _("不填时使用所选课程或培训的名称；不超过200个字。")),
        "source": (_("必填"), _("从下拉列表选择：平台课程学习 或 线下培训。")),
        "completed_on": (_("必填"), _("日期，例如 %(year)s-05-10；不能晚于今天。") % {"year": years[-1]}),
        "external_ref": (
            _("必填"),
            _("本单位自定的学习记录编号，在本单位内唯一，例如 PX-%(year)s-0001；同一编号再次导入不会重复计入。")
            % {"year": years[-1]},
        ),
        "training": (
            _("线下培训必填"),
            _("从下拉列表选择本基地已经管理单位同意的年度工作计划中的培训。")
            if has_trainings
            else _("只有继续教育基地按已同意的年度工作计划登记线下培训；没有可选培训时此列留空。"),
        ),
    }
    return [(header, *notes[key]) for key, header in IMPORT_HEADERS]


def import_template_xlsx(*, organisation: Organisation | None, today: datetime.date | None = None) -> bytes:
    """The template for `organisation`: drop-downs of its courses and trainings for the template's
    years, checks on hours, dates and ID numbers, a 填写说明 sheet, and one example row marked 示例
    in its 外部编号 (an upload that still holds it is refused)."""
    years = template_years(today)
    trainings = _trainings(organisation, years) if organisation else []
    courses = _courses(organisation, years) if organisation else []
    wb = Workbook()
    ws = wb.active
    ws.title = _("学时记录")
    append_row(ws, [header for _key, header in IMPORT_HEADERS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    example = {
        "id_number": "370102197001011234",
        "year": years[-1],
        "category": "公需课",
        "hours": 2,
        "course": "",
        "title": "",
        "source": "线下培训",
        "completed_on": datetime.date(years[-1], 5, 10),
        "external_ref": EXAMPLE_REF,
        "training": "",
    }
    if trainings:
        label, training = trainings[0]
        example.update(training=label, hours=training.hours, category=training.get_category_display())
    elif courses:
        example.update(
            course=course_label(courses[0]),
            hours=courses[0].hours,
            category=courses[0].get_category_display(),
            source="平台课程学习",
        )
    append_row(ws, [example[key] for key, _header in IMPORT_HEADERS])
    columns = {key: get_column_letter(i) for i, (key, _header) in enumerate(IMPORT_HEADERS, start=1)}
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    # Text, so Excel keeps all 18 digits of an ID number and the leading zeros of a reference.
    for key in ("id_number", "external_ref"):
        ws.column_dimensions[columns[key]].number_format = "@"
    ws.column_dimensions[columns["completed_on"]].number_format = "yyyy-mm-dd"
    ws[f"{columns['completed_on']}2"].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"

    lists = wb.create_sheet(_("选项"))
    lists.sheet_state = "hidden"
    choices = {
        "category": ["公需课", "专业课"],
        "source": ["平台课程学习", "线下培训"],
        "course": [course_label(c) for c in courses],
        "training": [label for label, _t in trainings],
        "year": years,
    }
    last_row = TEMPLATE_ROWS + 1
    for list_column, (key, values) in enumerate(choices.items(), start=1):
        if not values:
            continue
        letter = get_column_letter(list_column)
        for row_number, value in enumerate(values, start=1):
            write_cell(lists, row=row_number, column=list_column, value=value)
        _validate(
            ws,
            columns[key],
            last_row,
            type="list",
            formula1=f"'{lists.title}'!${letter}$1:${letter}${len(values)}",
            errorTitle=_("请从下拉列表选择"),
            error=_("该列只能填写下拉列表中的值。"),
        )
    _validate(
        ws,
        columns["hours"],
        last_row,
        type="decimal",
        operator="between",
        formula1="0.1",
        formula2=str(MAX_RECORD_HOURS),
        errorTitle=_("学时不正确"),
        error=_("学时须是大于0的数字，最多一位小数。"),
    )
    _validate(
        ws,
        columns["completed_on"],
        last_row,
        type="date",
        operator="between",
        formula1=f"DATE({years[0]},1,1)",
        formula2=f"DATE({years[-1]},12,31)",
        errorTitle=_("日期不正确"),
        error=_("请填写%(first)s年至%(last)s年之间的日期，例如 %(last)s-05-10。")
        % {"first": years[0], "last": years[-1]},
    )
    _validate(
        ws,
        columns["id_number"],
        last_row,
        type="textLength",
        operator="equal",
        formula1="18",
        errorTitle=_("身份证号不正确"),
        error=_("身份证号应为18位。"),
    )

    guide = wb.create_sheet(_("填写说明"))
    append_row(guide, [_("列名"), _("是否必填"), _("填写要求")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for line in _instructions(years=years, has_trainings=bool(trainings), has_courses=bool(courses)):
        append_row(guide, line)
    append_row(guide, [])
    notes = [
        _("第2行是示例，外部编号为“%(mark)s”：导入前请删除该行，含示例行的文件不会导入。") % {"mark": EXAMPLE_REF},
        _("平台课程学习：选择“平台课程”，不填“工作计划培训”。线下培训：选择“工作计划培训”，不填“平台课程”。"),
        _("所有行都正确才会导入；任一行有误则全部不导入，页面列出每一处错误的行号和列名。"),
        _("单元格中不要填写公式。"),
    ]
    for note in notes:
        append_row(guide, [_("说明"), "", note])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 18
    guide.column_dimensions["C"].width = 90
    wb.move_sheet(guide, offset=-1)  # 填写说明 right after the sheet to fill, the hidden list last
    wb.active = 0
    return workbook_bytes(wb)


def _validate(ws, letter: str, last_row: int, **options) -> None:
    validation = DataValidation(allow_blank=True, showErrorMessage=True, **options)
    ws.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{last_row}")


# ---------------------------------------------------------------- reading an upload


@dataclass
class ImportSheet:
    """An upload read back: intake rows, each row's line number in the sheet, and better words for
    the values that were not the template's (a label not in the drop-down, a category typed in)."""

    rows: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    hints: dict[tuple[int, str], str] = field(default_factory=dict)


class SheetRejected(BulkRejected):
    """The file holds a formula or the template's example row: refused before any row is checked."""

    def __init__(self, row_errors: list[RowError], message: str | None, *, sheet: ImportSheet):
        self.sheet = sheet
        super().__init__(row_errors, message)


class _Labels:
    """The drop-downs' labels of one unit, read once per upload, back to course and training ids."""

    def __init__(self, organisation: Organisation | None):
        labelled = _trainings(organisation) if organisation else []
        self.trainings = {label: t.pk for label, t in labelled}
        # A title typed without the label's suffix is read when it names one training only.
        by_title: dict[str, list[int]] = {}
        for _label, t in labelled:
            by_title.setdefault(t.title, []).append(t.pk)
        self.trainings.update({title: ids[0] for title, ids in by_title.items() if len(ids) == 1})

    def course(self, text: str) -> int | None:
        match = COURSE_LABEL.search(text)
        return int(match.group(1)) if match else None

    def training(self, text: str) -> int | None:
        return self.trainings.get(text)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(str(value)).normalize()) if value != int(value) else str(int(value))
    return str(value).strip()


def _choice(data: dict, key: str, words: dict, hint: str, index: int, hints: dict, *, required: bool) -> None:
    value = data[key]
    if value in words:
        data[key] = words[value]
    elif value or required:
        hints[(index, key)] = hint


def read_import_rows(upload, *, max_rows: int, organisation: Organisation | None = None) -> ImportSheet:
    """Rows of an uploaded template as API-shaped dicts (read-only mode; capped). Drop-down labels
    become ids; raw ids are still read (files made before the drop-downs). A formula cell or the
    template's example row refuses the file before any row is checked further."""
    try:
        # data_only=False: formulas read as formulas, so their rows can be refused.
        wb = load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a broken package
        raise ValidationError(_("无法读取该Excel文件，请使用下载的模板。"), code="unreadable") from None
    labels = _Labels(organisation)
    sheet = ImportSheet()
    refused: list[RowError] = []
    example_rows = 0
    width = len(IMPORT_HEADERS)
    try:
        for line, cells in enumerate(wb.worksheets[0].iter_rows(), start=1):
            values = tuple(c.value for c in cells)
            if line == 1:
                header = [_cell(v) for v in values[:width]]
                if header not in ([h for _k, h in IMPORT_HEADERS], LEGACY_HEADERS):
                    raise ValidationError(_("表头与模板不一致，请使用下载的模板。"), code="bad_header")
                continue
            if not any(v not in (None, "") for v in values):
                continue
            if len(sheet.rows) >= max_rows:
                raise ValidationError(_("单次最多导入 %(max)s 行。") % {"max": max_rows}, code="too_many_rows")
            index = len(sheet.rows)
            data = {key: _cell(values[i]) if i < len(values) else "" for i, (key, _h) in enumerate(IMPORT_HEADERS)}
            formula = formula_in(cells[:width])
            if formula:
                refused.append(RowError(index=index, errors={"file": str(FORMULA_REFUSED % {"cell": formula})}))
            elif data["external_ref"].startswith(EXAMPLE_MARK):
                example_rows += 1
                refused.append(
                    RowError(
                        index=index,
                        errors={"external_ref": _("这是模板中的示例行，请删除该行后再导入。")},
                    )
                )
            sheet.rows.append(_intake_row(data, index, labels, sheet.hints))
            sheet.lines.append(line)
    finally:
        wb.close()
    if refused:
        message = _("表格中含有模板的示例行，全部未导入。请删除示例行后再上传。") if example_rows else None
        raise SheetRejected(refused, message, sheet=sheet)
    return sheet


def _intake_row(data: dict, index: int, labels: _Labels, hints: dict) -> dict:
    _choice(data, "category", CATEGORY_WORDS, _("请从下拉列表选择：公需课 或 专业课。"), index, hints, required=True)
    _choice(
        data, "source", SOURCE_WORDS, _("请从下拉列表选择：平台课程学习 或 线下培训。"), index, hints, required=False
    )
    for key, resolve, hint in (
        ("course", labels.course, _("请从下拉列表选择本单位学习平台上的课程。")),
        ("training", labels.training, _("请从下拉列表选择本基地已同意的年度工作计划中的培训。")),
    ):
        text = data[key]
        if not text or (text.isascii() and text.isdigit()):
            data[key] = text or None
            if text and not int(text):
                hints[(index, key)] = hint
            continue
        found = resolve(text)
        if found is None:
            hints[(index, key)] = hint  # the text stays, and intake refuses the row for it
        else:
            data[key] = found
    return data


def error_lines(row_errors: list[RowError], sheet: ImportSheet) -> list[str]:
    """Each problem as one sentence in the sheet's terms: "第5行「身份证号」：…" (the header row is
    line 1; blank lines count, as Excel numbers them)."""

    def line_of(index: int) -> int:
        return sheet.lines[index] if index < len(sheet.lines) else index + 2

    out = []
    for error in sorted(row_errors, key=lambda e: e.index):
        for key, message in error.errors.items():
            what = _("课程") if key == "course" else _("培训")
            if error.same_as is not None:
                message = _("与第%(line)s行重复：同一人同一年度同一%(what)s只计一次。") % {
                    "line": line_of(error.same_as),
                    "what": what,
                }
            elif error.duplicate:
                row = sheet.rows[error.index]
                message = _("%(person)s %(year)s年度已登记过%(what)s「%(title)s」，每年只计一次。") % {
                    "person": mask_id_number(row["id_number"]),
                    "year": row["year"],
                    "what": what,
                    "title": error.subject,
                }
            message = sheet.hints.get((error.index, key), message)
            header = HEADER_OF.get(key)
            if header:
                out.append(
                    _("第%(line)s行「%(column)s」：%(message)s")
                    % {"line": line_of(error.index), "column": header, "message": message}
                )
            else:
                out.append(_("第%(line)s行：%(message)s") % {"line": line_of(error.index), "message": message})
    return out
