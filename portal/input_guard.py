"""Refuse control characters and over-long URLs before any view sees them (issue 22, audit).

A NUL byte in a query string or path reached PostgreSQL ("A string literal cannot contain NUL
characters") and answered 500 on public pages. One middleware, early in the stack, checks the
path, the query string and the fields of a posted form: 404 for a path, 400 for the rest, in the
portal's Chinese page or, under /api/, in the API's error shape. Tabs and line breaks stay allowed
in values (text areas), never in a path.
"""

import re

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api.middleware import API_PREFIX

_IN_VALUES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_IN_PATHS = re.compile(r"[\x00-\x1f\x7f]")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_control(pairs) -> bool:
    return any(_IN_VALUES.search(key) or _IN_VALUES.search(value) for key, value in pairs)


def _form_pairs(request):
    for key, values in request.POST.lists():
        for value in values:
            yield key, value
    for key, files in request.FILES.lists():
        for upload in files:
            yield key, upload.name or ""


def _query_pairs(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


def _refuse(request, status: int, code: str, detail: str):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": detail, "code": code, "errors": {}}, status=status)
    return render(request, "portal/refused.html", {"status": status, "detail": detail}, status=status)


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.get_full_path()) > settings.PORTAL_MAX_URL_LENGTH:
            return _refuse(request, 414, "uri_too_long", _("网址过长，请缩短查询条件后重试。"))
        if _IN_PATHS.search(request.path_info):
            return _refuse(request, 404, "not_found", _("您访问的页面不存在，或您无权查看。"))
        if _has_control(_query_pairs(request)) or (
            request.method == "POST" and request.content_type in _FORMS and _has_control(_form_pairs(request))
        ):
            return _refuse(request, 400, "control_character", _("提交的内容含有不允许的控制字符，请删除后重试。"))
        return self.get_response(request)
