"""One intake row (API, bulk API, Excel import) with every field type-checked before use, so a list
or an object where a number belongs is a row error, never an exception."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.validators import normalise_id_number, validate_id_number
from courses.models import Category
from portal.bounds import whole_number

from ..models import HourRecord
from .ledger import MAX_RECORD_HOURS, parse_hours

PLATFORM_SOURCES = frozenset((HourRecord.Source.PLATFORM.value, HourRecord.Source.OFFLINE.value))
# Computed once: Category.values builds a new list on every call (10,000 rows a batch).
CATEGORIES = frozenset(Category.values)
# The common shapes, checked without exceptions or gettext (10,000 rows a batch); anything else goes
# through the shared validators, whose messages the row then carries.
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_HOURS_SHAPE = re.compile(r"[0-9]{1,4}(\.[0-9])?")
_TENTH = Decimal("0.1")


@dataclass
class Row:
    id_number: str = ""
    year: int | None = None
    category: str = ""
    hours: Decimal | None = None
    course_id: int | None = None
    training_id: int | None = None
    title: str = ""
    source: str = ""
    completed_on: datetime.date | None = None
    external_ref: str = ""


def _text(value) -> str | None:
    """Text as sent; numbers are accepted where a spreadsheet or a client may send them."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _optional_id(value, field: str, problems: dict) -> int | None:
    if value in (None, ""):
        return None
    number = whole_number(value)
    if number is None or number <= 0:
        problems[field] = _("编号必须是正整数。")
    return number


def _plainly_valid_id(number: str) -> bool:
    """True when `number` passes every check of accounts.validators.validate_id_number (False
    means: ask the validator, which names the problem)."""
    if not _ID_SHAPE.fullmatch(number):
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > datetime.date.today():
        return False
    total = sum(map(int.__mul__, map(int, number[:17]), _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def _plain_hours(value) -> Decimal | None:
    """Hours as a platform usually sends them ("2.0", 2): the Decimal parse_hours would return,
    or None to let parse_hours decide (and word the error)."""
    text = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else None
    if text is None or not _HOURS_SHAPE.fullmatch(text):
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:  # pragma: no cover (the shape is a decimal number)
        return None
    if hours <= 0 or hours > MAX_RECORD_HOURS:
        return None
    return hours.quantize(_TENTH)


def parse_row(raw) -> tuple[Row, dict[str, str]]:
    """The row as typed values plus a Chinese message per bad field."""
    problems: dict[str, str] = {}
    row = Row()
    if not isinstance(raw, dict):
        return row, {"non_field_errors": _("每条记录必须是一个对象。")}

    id_number = _text(raw.get("id_number"))
    if id_number is None:
        problems["id_number"] = _("身份证号必须是文本。")
    else:
        row.id_number = normalise_id_number(id_number)
        if not _plainly_valid_id(row.id_number):
            try:
                validate_id_number(row.id_number)
            except ValidationError as exc:
                problems["id_number"] = exc.messages[0]

    row.year = whole_number(raw.get("year"))
    if row.year is None or not 1900 < row.year < 3000:
        row.year = None
        problems["year"] = _("年度格式不正确。")

    category = raw.get("category")
    if isinstance(category, str) and category in CATEGORIES:
        row.category = category
    else:
        problems["category"] = _("科目类别只能是 public（公需课）或 professional（专业课）。")

    hours = raw.get("hours")
    if isinstance(hours, bool) or not isinstance(hours, str | int | float | Decimal):
        problems["hours"] = _("学时必须是数字，例如 1.5。")
    else:
        row.hours = _plain_hours(hours)
        if row.hours is None:
            try:
                row.hours = parse_hours(hours)
            except ValidationError as exc:
                problems["hours"] = exc.messages[0]
            except InvalidOperation:  # 1e27 and the like: too many digits to round to tenths
                problems["hours"] = _("学时不能超过 %(max)s，请核对。") % {"max": MAX_RECORD_HOURS}

    row.course_id = _optional_id(raw.get("course"), "course", problems)
    row.training_id = _optional_id(raw.get("training"), "training", problems)

    title = _text(raw.get("title"))
    if title is None:
        problems["title"] = _("名称必须是文本。")
    else:
        row.title = title[:200]

    source = raw.get("source")
    if source in (None, ""):
        row.source = ""
    elif isinstance(source, str) and source in PLATFORM_SOURCES:
        row.source = source
    else:
        problems["source"] = _("平台只能登记平台课程学习（platform）或线下培训（offline）学时。")

    completed_on = raw.get("completed_on")
    if isinstance(completed_on, datetime.datetime):
        completed_on = completed_on.date()
    if isinstance(completed_on, str):
        try:
            completed_on = datetime.date.fromisoformat(completed_on.strip())
        except ValueError:
            completed_on = None
    if isinstance(completed_on, datetime.date):
        row.completed_on = completed_on
    else:
        problems["completed_on"] = _("完成日期格式应为 YYYY-MM-DD。")

    external_ref = _text(raw.get("external_ref"))
    if external_ref is None:
        problems["external_ref"] = _("外部编号必须是文本。")
    elif not external_ref:
        problems["external_ref"] = _("请填写外部编号（平台内唯一的学习记录编号）。")
    elif len(external_ref) > 100:
        problems["external_ref"] = _("外部编号不能超过100个字符。")
    else:
        row.external_ref = external_ref
    return row, problems
