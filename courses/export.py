"""The catalogue as .xlsx for bureau staff, streamed from the database in batches of plain rows."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import AuditEvent, City, Role
from accounts.selectors import roles_of
from accounts.services import audit
from portal.formats import cn_date
from portal.spreadsheets import append_row, workbook_bytes

from .excel import HEADERS
from .models import Category, Course, Mode

EXPORT_HEADERS = ["序号", *HEADERS[:7], "提供单位", "所在市", *HEADERS[7:], "状态"]

EXPORT_FIELDS = (
    "id",
    "title",
    "category",
    "topic__name",
    "sector__name",
    "hours",
    "mode",
    "platform__name",
    "provider__name",
    "provider__city",
    "url",
    "year_from",
    "year_to",
    "is_original",
    "copyright_holder",
    "description",
    "place",
    "start_date",
    "end_date",
    "status",
)
EXPORT_BATCH = 2000


def _export_batches(queryset):
    """Plain rows (no model instances: a large export is dominated by building them), in batches."""
    batch = []
    for row in queryset.prefetch_related(None).values(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_BATCH):
        batch.append(row)
        if len(batch) == EXPORT_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _teacher_names(course_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    through = Course.teachers.through.objects.filter(course_id__in=course_ids)
    for course_id, name in through.order_by("teacher__name", "teacher_id").values_list("course_id", "teacher__name"):
        names.setdefault(course_id, []).append(name)
    return names


def export_catalogue(*, actor, queryset) -> bytes:
    """The catalogue as .xlsx for bureau staff (write-only workbook, streamed from the database)."""
    if not any(g.role in (Role.PROVINCE_STAFF, Role.CITY_STAFF) for g in roles_of(actor)):
        raise PermissionDenied
    # Labels translated once, not per cell (get_FOO_display per row dominates a large export).
    labels = {
        field: {value: str(label) for value, label in choices}
        for field, choices in (
            ("category", Category.choices),
            ("mode", Mode.choices),
            ("status", Course.Status.choices),
            ("city", City.choices),
        )
    }
    yes, no = _("是"), _("否")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("课程目录")
    append_row(ws, EXPORT_HEADERS)
    count = 0
    for batch in _export_batches(queryset):
        teachers = _teacher_names([row["id"] for row in batch])
        for row in batch:
            count += 1
            append_row(
                ws,
                [
                    count,
                    row["title"],
                    labels["category"].get(row["category"], row["category"]),
                    row["topic__name"] or "",
                    row["sector__name"] or "",
                    Decimal(row["hours"]),
                    labels["mode"].get(row["mode"], row["mode"]),
                    row["platform__name"] or "",
                    row["provider__name"],
                    labels["city"].get(row["provider__city"], ""),
                    row["url"],
                    row["year_from"],
                    row["year_to"],
                    "、".join(teachers.get(row["id"], ())),
                    yes if row["is_original"] else no,
                    row["copyright_holder"],
                    row["description"],
                    row["place"],
                    cn_date(row["start_date"]),
                    cn_date(row["end_date"]),
                    labels["status"].get(row["status"], row["status"]),
                ],
            )
    audit(type=AuditEvent.Type.DATA_EXPORTED, actor=actor, target="catalogue.xlsx", data={"courses": count})
    return workbook_bytes(wb)
