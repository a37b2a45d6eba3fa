"""Helpers shared by the hour pages."""

from django.http import HttpResponse
from django.utils import timezone

from portal.bounds import whole_number
from portal.uploads import XLSX, download_response


def _year(request) -> int:
    year = whole_number(request.GET.get("year", ""))
    return year if year is not None and 1900 < year < 3000 else timezone.localdate().year


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename=filename, kind=XLSX)


def _one_of(request, ids: list[int], param: str = "org") -> int:
    """The organisation chosen in the query string among the user's own, else the first."""
    wanted = whole_number(request.GET.get(param, ""))
    return wanted if wanted in ids else ids[0]
