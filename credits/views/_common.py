"""Helpers shared by the hour pages."""

from django.http import HttpResponse
from django.utils import timezone

from portal.uploads import XLSX, download_response


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1900 < int(raw) < 3000 else timezone.localdate().year


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename=filename, kind=XLSX)


def _one_of(request, ids: list[int], param: str = "org") -> int:
    """The organisation chosen in the query string among the user's own, else the first."""
    raw = request.GET.get(param, "")
    if raw.isdigit() and int(raw) in ids:
        return int(raw)
    return ids[0]
