"""Helpers shared by the hour pages."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1900 < int(raw) < 3000 else timezone.localdate().year


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _page(request, queryset):
    return Paginator(queryset, getattr(settings, "PAGINATE_BY", 25)).get_page(request.GET.get("page"))


def _one_of(request, ids: list[int], param: str = "org") -> int:
    """The organisation chosen in the query string among the user's own, else the first."""
    raw = request.GET.get(param, "")
    if raw.isdigit() and int(raw) in ids:
        return int(raw)
    return ids[0]
