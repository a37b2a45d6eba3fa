import logging
import sys
import uuid

from botocore.exceptions import BotoCoreError, ClientError
from django import db
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .api.authentication import CSRF_DETAIL
from .api.middleware import API_PREFIX

logger = logging.getLogger("portal.errors")

# How long a client should wait before trying again after a 503 (seconds).
RETRY_AFTER = 30


class StorageUnavailable(Exception):
    """Object storage did not answer (down, hung, refusing): the file is there, but not now."""


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


def _away(error: BaseException | None) -> str | None:
    """Which dependency an exception says is away, if any."""
    if isinstance(error, db.OperationalError | db.InterfaceError):
        return "database"
    if isinstance(error, StorageUnavailable | BotoCoreError | ClientError):
        return "storage"
    return None


def server_error(request):
    """handler500: a Chinese page with a reference number that the log line carries too. When the
    error says a dependency is away (PostgreSQL refusing connections, object storage not
    answering) it is a 503 saying so, with Retry-After. Renders without the request's context: no
    user, no session, no database, no cache (any of them may be what failed)."""
    error = sys.exc_info()[1]
    reference = uuid.uuid4().hex[:12].upper()
    away = _away(error)
    logger.error(
        "server error %s on %s %s%s",
        reference,
        request.method,
        request.path,
        f" ({away} unavailable)" if away else "",
        exc_info=error is not None,
    )
    if away == "storage":
        status, message = 503, _("文件服务暂时不可用，请稍后再下载。您的文件不会丢失。")
    elif away == "database":
        status, message = 503, _("系统繁忙，暂时无法处理您的请求，请稍后重试。")
    else:
        status, message = 500, ""
    page = loader.get_template("503.html" if status == 503 else "500.html")
    response = HttpResponse(page.render({"reference": reference, "message": message}), status=status)
    response["X-Error-Reference"] = reference
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER)
    return response
