"""Course lists from Excel: the upload template and the all-or-nothing upload (export: courses.export)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException

from accounts.models import AuditEvent, Organisation
from accounts.services import audit
from portal import cache_versions
from portal.bounds import validate_sane_date, whole_number
from portal.spreadsheets import FORMULA_REFUSED, formula_in
from portal.uploads import XLSX, validate_upload

from . import excel_template
from .frozen import frozen_course_message
from .models import Category, Course, LearningPlatform, Mode, Teacher, Topic
from .selectors import PROVIDER_ROLES
from .services import check_provider_kind, check_teacher_names, parse_hours, require_role_in, validate_course

# (field, Chinese header). The template, the upload and the export share these headers.
COLUMNS = [
    ("title", "课程名称"),
    ("category", "科目类别"),
    ("topic", "公需课专题"),
    ("sector", "所属行业"),
    ("hours", "学时"),
    ("mode", "学习形式"),
    ("platform", "所在学习平台"),
    ("url", "学习网址"),
    ("year_from", "开课起始年度"),
    ("year_to", "开课截止年度"),
    ("teachers", "授课教师"),
    ("is_original", "是否原创"),
    ("copyright_holder", "版权所有者"),
    ("description", "课程简介"),
    ("place", "培训地点"),
    ("start_date", "开始日期"),
    ("end_date", "结束日期"),
]
HEADERS = [header for _field, header in COLUMNS]

# An upload with more course rows than this is refused before any row is read further.
MAX_IMPORT_ROWS = getattr(settings, "COURSES_IMPORT_MAX_ROWS", 5000)
MAX_IMPORT_BYTES = 10 * 1024 * 1024
# Reported bad rows are capped so a junk file can't produce a huge error page.
MAX_REPORTED_ERRORS = 200

CATEGORY_WORDS = {
    "公需课": Category.PUBLIC,
    "公需": Category.PUBLIC,
    "专业课": Category.PROFESSIONAL,
    "专业": Category.PROFESSIONAL,
}
MODE_WORDS = {
    "线上": Mode.ONLINE,
    "远程": Mode.ONLINE,
    "线上（远程教育）": Mode.ONLINE,
    "远程教育": Mode.ONLINE,
    "线下": Mode.OFFLINE,
    "线下培训": Mode.OFFLINE,
}
YES_NO = {"是": True, "否": False, "": False}
# Key (beside the columns' fields) of a row's first formula cell, if it has one.
FORMULA_CELL = "_formula_cell"


def template_workbook(*, provider: Organisation | None = None) -> bytes:
    """The upload template (see courses.excel_template): drop-downs, instructions, an example row."""
    return excel_template.template_workbook(columns=COLUMNS, provider=provider)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column's Chinese header, or "" for a problem of the whole row
    reason: str


@dataclass
class ImportResult:
    created: int = 0
    # Every problem of every row, up to MAX_REPORTED_ERRORS; bad_rows counts all bad rows.
    errors: list[RowError] = field(default_factory=list)
    bad_rows: int = 0
    rows: int = 0
    # Row numbers of courses the unit already has (same name, category, form and years): not created again.
    skipped: list[int] = field(default_factory=list)
    # True when there were more problems than MAX_REPORTED_ERRORS (only the first are listed).
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _Lookups:
    """Names the upload may use, loaded once for the whole file (no query per row)."""

    def __init__(self, provider: Organisation):
        self.topics: dict[tuple[int, str], Topic] = {(t.year, t.name): t for t in Topic.objects.all()}
        self.topics_by_name: dict[str, Topic] = {}
        for t in sorted(self.topics.values(), key=lambda t: t.year):
            self.topics_by_name[t.name] = t
        self.departments: dict[str, Organisation] = {}
        for org in Organisation.objects.filter(kind=Organisation.Kind.INDUSTRY_DEPARTMENT):
            self.departments[org.name] = org
            if org.short_name:
                self.departments[org.short_name] = org
        self.own_platforms = {p.name: p for p in LearningPlatform.objects.filter(owner=provider)}
        self.other_platform_names = set(LearningPlatform.objects.exclude(owner=provider).values_list("name", flat=True))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(value, label: str) -> int:
    year = whole_number(_text(value))
    if year is None or not 1900 < year < 3000:
        raise ValidationError(_("%(label)s必须是四位年份。") % {"label": label})
    return year


def _date(value, label: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(_text(value).replace("/", "-"))
        except ValueError:
            raise ValidationError(_("%(label)s格式应为 2022-05-01。") % {"label": label}) from None
    validate_sane_date(day)
    return day


HEADER_OF = dict(COLUMNS)


def _column_of_cell(coordinate: str) -> str:
    """The header of the column a cell like "B7" is in."""
    letters = "".join(ch for ch in coordinate if ch.isalpha())
    try:
        return HEADERS[column_index_from_string(letters) - 1]
    except (ValueError, IndexError):
        return ""


def _row_to_course(
    values: dict, *, provider: Organisation, lookups: _Lookups
) -> tuple[Course | None, list[str], dict[str, str]]:
    """Build an unsaved course from one row. Returns (course, teacher names, {column header: message})
    with every problem of the row under its own column, so one upload shows all there is to fix."""
    if cell := values.get(FORMULA_CELL):
        # A formula's value is whatever a program last computed: nothing else of the row is trusted.
        return None, [], {_column_of_cell(cell): FORMULA_REFUSED % {"cell": cell}}
    errors: dict[str, str] = {}  # by field name

    def parse(name, parser):
        try:
            return parser()
        except ValidationError as exc:
            errors[name] = "；".join(exc.messages)
            return None

    def word(name, words, message):
        value = words.get(_text(values[name]))
        if value is None:
            errors[name] = message
        return value

    category = word("category", CATEGORY_WORDS, _("科目类别只能填“公需课”或“专业课”。"))
    mode = word("mode", MODE_WORDS, _("学习形式只能填“线上”或“线下”。"))
    original = word("is_original", YES_NO, _("是否原创只能填“是”或“否”。"))
    hours = parse("hours", lambda: parse_hours(_text(values["hours"])))
    year_from = parse("year_from", lambda: _year(values["year_from"], _("开课起始年度")))
    year_to = (
        parse("year_to", lambda: _year(values["year_to"], _("开课截止年度"))) if _text(values["year_to"]) else year_from
    )
    topic = None
    if topic_name := _text(values["topic"]):
        topic = lookups.topics.get((year_from, topic_name)) or lookups.topics_by_name.get(topic_name)
        if topic is None:
            errors["topic"] = _("公需课专题“%(name)s”不存在。") % {"name": topic_name}
    sector = None
    if sector_name := _text(values["sector"]):
        sector = lookups.departments.get(sector_name)
        if sector is None:
            errors["sector"] = _("所属行业“%(name)s”不是省级行业主管部门。") % {"name": sector_name}
    platform = None
    if platform_name := _text(values["platform"]):
        platform = lookups.own_platforms.get(platform_name)
        if platform is None and platform_name in lookups.other_platform_names:
            message = _("学习平台“%(name)s”不属于本单位，只能选择本单位的学习平台。")
            errors["platform"] = message % {"name": platform_name}
        elif platform is None:
            errors["platform"] = _("未找到本单位的学习平台“%(name)s”。") % {"name": platform_name}
    start_date = parse("start_date", lambda: _date(values["start_date"], _("开始日期")))
    end_date = parse("end_date", lambda: _date(values["end_date"], _("结束日期")))
    course = Course(
        provider=provider,
        title=_text(values["title"]),
        category=category or "",
        topic=topic,
        sector=sector,
        hours=hours,
        mode=mode or "",
        platform=platform,
        url=_text(values["url"]),
        year_from=year_from,
        year_to=year_to,
        is_original=bool(original),
        copyright_holder=_text(values["copyright_holder"]),
        description=_text(values["description"]),
        place=_text(values["place"]),
        start_date=start_date,
        end_date=end_date,
        status=Course.Status.DRAFT,
    )
    for name in ("copyright_holder", "place"):
        model_field = Course._meta.get_field(name)
        if len(getattr(course, name)) > model_field.max_length:
            limit = {"label": model_field.verbose_name, "n": model_field.max_length}
            errors[name] = _("%(label)s不能超过%(n)s个字。") % limit
    try:
        validate_course(course=course)
    except ValidationError as exc:
        for name, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
            # A value that could not be read has its own message already; the rules would only repeat it.
            errors.setdefault(name if name in HEADER_OF else "", "；".join(messages))
    if course.url and "url" not in errors:
        for validator in Course._meta.get_field("url").validators:
            try:
                validator(course.url)
            except ValidationError:
                errors["url"] = _("学习网址不是有效的网址（不超过300个字符）。")
    teachers = parse("teachers", lambda: check_teacher_names(names=_split_names(values["teachers"]))) or []
    return course, teachers, {HEADER_OF.get(name, ""): str(message) for name, message in errors.items()}


def _split_names(value) -> list[str]:
    return _text(value).replace("，", "、").replace(",", "、").split("、")


def natural_key(course: Course) -> tuple:
    """What makes two rows the same course of a unit: re-uploading a file creates nothing new."""
    return (course.title, course.category, course.mode, course.year_from, course.year_to)


def read_rows(file):
    """Open the upload and yield (row number, {field: value}); raise ValidationError for the whole file."""
    validate_upload(file, allowed={XLSX}, max_bytes=MAX_IMPORT_BYTES)
    try:
        # data_only=False: formulas read as formulas, so their rows can be refused.
        wb = load_workbook(file, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, ValueError, OSError, TypeError) as exc:
        raise ValidationError(_("无法读取该 Excel 文件，请使用下载的模板。")) from exc
    ws = wb.worksheets[0]
    # The declared dimension lets a huge sheet be refused without reading its rows (with slack for
    # rows that Excel counts because they were formatted but left empty).
    if ws.max_row is not None and ws.max_row > MAX_IMPORT_ROWS * 2:
        wb.close()
        raise ValidationError(
            _("行数过多：一次最多导入 %(max)s 门课程。") % {"max": MAX_IMPORT_ROWS}, code="too_many_rows"
        )
    rows = ws.iter_rows()
    header = next(rows, None)
    if header is None:
        wb.close()
        raise ValidationError(_("文件是空的。"), code="empty")
    header = [_text(h.value) for h in header[: len(HEADERS) + 20]]
    while header and not header[-1]:
        header.pop()
    if header != HEADERS:
        wb.close()
        raise ValidationError(
            _("表头不正确，第一行应为：%(headers)s。请下载模板填写。") % {"headers": "、".join(HEADERS)},
            code="wrong_headers",
        )
    result = []
    for number, cells in enumerate(rows, start=2):
        # Blank rows count towards the same slack as the declared dimension, so a sheet whose
        # dimension is missing or lies can't make us walk 100,000 empty rows either.
        if number > MAX_IMPORT_ROWS * 2 + 1:
            wb.close()
            raise ValidationError(
                _("行数过多：一次最多导入 %(max)s 门课程。") % {"max": MAX_IMPORT_ROWS}, code="too_many_rows"
            )
        cells = cells[: len(HEADERS)]
        row = tuple(c.value for c in cells) + (None,) * (len(HEADERS) - len(cells))
        if all(_text(v) == "" for v in row):
            continue
        if len(result) >= MAX_IMPORT_ROWS:
            wb.close()
            raise ValidationError(
                _("行数过多：一次最多导入 %(max)s 门课程。") % {"max": MAX_IMPORT_ROWS}, code="too_many_rows"
            )
        values = dict(zip([f for f, _h in COLUMNS], row, strict=True))
        values[FORMULA_CELL] = formula_in(cells)
        result.append((number, values))
    wb.close()
    if not result:
        raise ValidationError(_("文件中没有课程数据。"), code="empty")
    return result


def import_courses(*, actor, provider: Organisation, file) -> ImportResult:
    """Upload a provider's course list: every row is checked, and nothing is stored unless all are valid.
    Courses the unit already has (same name, category, form and years) are skipped, so uploading the
    same file twice creates nothing new. Imported courses start as drafts; publishing checks the work plan."""
    require_role_in(actor, provider, PROVIDER_ROLES)
    check_provider_kind(provider=provider)
    rows = read_rows(file)
    lookups = _Lookups(provider)
    result = ImportResult(rows=len(rows))
    parsed = []
    first_row_of: dict[tuple, int] = {}
    for number, values in rows:
        course, names, errors = _row_to_course(values, provider=provider, lookups=lookups)
        if not errors:
            key = natural_key(course)
            if key in first_row_of:
                errors[""] = _("与第 %(row)s 行是同一门课程，请删除重复行。") % {"row": first_row_of[key]}
            else:
                first_row_of[key] = number
        if errors:
            result.bad_rows += 1
            for column, reason in errors.items():
                if len(result.errors) < MAX_REPORTED_ERRORS:
                    result.errors.append(RowError(row=number, column=column, reason=reason))
                else:
                    result.truncated = True
            continue
        parsed.append((number, course, names))
    if result.errors:
        return result
    existing: dict[tuple, list[tuple]] = defaultdict(list)
    for *key, hours, topic_id, sector_id, frozen_at in Course.objects.filter(
        provider=provider, title__in={c.title for _n, c, _t in parsed}
    ).values_list("title", "category", "mode", "year_from", "year_to", "hours", "topic_id", "sector_id", "frozen_at"):
        existing[tuple(key)].append((hours, topic_id, sector_id, frozen_at))
    new = []
    for number, course, names in parsed:
        matches = existing.get(natural_key(course))
        if not matches:
            new.append((course, names))
        elif any(
            frozen_at is None or (hours, topic, sector) == (course.hours, course.topic_id, course.sector_id)
            for hours, topic, sector, frozen_at in matches
        ):
            result.skipped.append(number)
        else:
            # The row names a course with credited hours but other figures: the upload never edits a
            # course, and this one may not change at all (courses.frozen), so say so instead of skipping.
            result.bad_rows += 1
            if len(result.errors) < MAX_REPORTED_ERRORS:
                result.errors.append(RowError(row=number, column="", reason=frozen_course_message()))
            else:
                result.truncated = True
    if result.errors:
        return result
    with transaction.atomic():
        courses = Course.objects.bulk_create([course for course, _names in new], batch_size=1000)
        _link_teachers(provider=provider, courses=courses, names=[names for _course, names in new])
        cache_versions.bump(cache_versions.CATALOGUE)  # bulk_create sends no post_save
        audit(
            type=AuditEvent.Type.DATA_IMPORTED,
            actor=actor,
            organisation=provider,
            target="courses.xlsx",
            data={"courses": len(new), "skipped": len(result.skipped)},
        )
    result.created = len(new)
    return result


def _link_teachers(*, provider: Organisation, courses: list[Course], names: list[list[str]]) -> None:
    """Attach teachers by name (the unit's existing teacher of that name, else a new one), in bulk."""
    wanted = {name.strip() for row in names for name in row if name.strip()}
    if not wanted:
        return
    by_name: dict[str, Teacher] = {}
    for teacher in Teacher.objects.filter(organisation=provider, name__in=wanted).order_by("-id"):
        by_name[teacher.name] = teacher  # the oldest of same-named teachers wins, as in services._teachers
    missing = [Teacher(organisation=provider, name=name) for name in sorted(wanted - by_name.keys())]
    for teacher in Teacher.objects.bulk_create(missing):
        by_name[teacher.name] = teacher
    through = Course.teachers.through
    links = {
        (course.pk, by_name[name.strip()].pk)
        for course, row in zip(courses, names, strict=True)
        for name in row
        if name.strip()
    }
    through.objects.bulk_create([through(course_id=c, teacher_id=t) for c, t in sorted(links)], batch_size=5000)
