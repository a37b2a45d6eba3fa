import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api.authentication import CSRF_DETAIL
from .api.middleware import API_PREFIX

logger = logging.getLogger(__name__)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid security token (an expired page, cookies
    off). Chinese, and in the API's error shape under /api/; the reason stays in the log."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": _(CSRF_DETAIL), "code": "csrf_failed", "errors": {}}, status=403)
    return render(request, "portal/csrf_failure.html", status=403)
