"""One JSON shape for every API error: {"detail": <Chinese text>, "code": ..., "errors": {...}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """409: the request repeats something already done (a vote, a submission)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "请求与现有数据冲突。"
    default_code = "conflict"


class RuleViolation(exceptions.APIException):
    """422: well-formed, but a rule of the notice or of the year's policy forbids it."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "请求不符合业务规则。"
    default_code = "rule_violation"


class ServiceUnavailable(exceptions.APIException):
    """503: a service the request needs is away (issue 22); the same request later succeeds."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "服务暂时不可用，请稍后重试。"
    default_code = "service_unavailable"


_DEFAULT_DETAIL = {
    400: "提交的数据有误，请检查后重试。",
    401: "未登录或登录凭证无效。",
    403: "您没有执行此操作的权限。",
    404: "未找到该对象，或您无权访问。",
    405: "不支持该请求方法。",
    409: "请求与现有数据冲突。",
    415: "不支持的数据格式。",
    422: "请求不符合业务规则。",
    413: "请求体过大。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后重试。",
    503: "服务暂时不可用，请稍后重试。",
}

_DEFAULT_CODE = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
    503: "service_unavailable",
}


def error_body(status_code: int) -> dict:
    """The error shape for a status alone (an error no view described)."""
    return {
        "detail": _(_DEFAULT_DETAIL.get(status_code, "请求失败。")),
        "code": _DEFAULT_CODE.get(status_code, "error"),
        "errors": {},
    }


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            return _first_message(value)
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def _codes(detail):
    if isinstance(detail, dict):
        return {k: _codes(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_codes(v) for v in detail]
    return getattr(detail, "code", None)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status_code = response.status_code
    errors: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        detail_data = exc.detail
        if isinstance(detail_data, list):
            detail_data = {"non_field_errors": detail_data}
        errors = detail_data
        detail = _first_message(detail_data) if detail_data else _(_DEFAULT_DETAIL[400])
        code = "invalid"
        if status_code == 400 and isinstance(detail_data, dict) and len(detail_data) == 1:
            only = _codes(detail_data)
            first = next(iter(only.values()))
            while isinstance(first, list | dict) and first:
                first = first[0] if isinstance(first, list) else next(iter(first.values()))
            if isinstance(first, str) and first not in ("invalid", "required"):
                code = first
    else:
        raw = getattr(exc, "detail", None)
        code = raw.code if hasattr(raw, "code") else getattr(exc, "default_code", "error")
        detail = str(raw) if raw else _(_DEFAULT_DETAIL.get(status_code, "请求失败。"))
        if isinstance(raw, dict):
            errors = raw
            detail = _first_message(raw)
    if status_code == 401:
        code = code or "not_authenticated"
    body = {"detail": detail, "code": code, "errors": errors}
    request = context.get("request")
    if request is not None:
        # A browser asking for text/html would get the browsable API's HTML error page; errors
        # are JSON for everyone.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    return Response(body, status=status_code, headers=dict(response.items()))
