"""The OpenAPI schema tells the truth about errors.

drf-spectacular documents each operation's success response only. Every operation here also
answers in the contract's error shape ({"detail", "code", "errors"}, Chinese detail): bad input
or query parameters (400), no or an invalid token, or wrong credentials (401), not
allowed (403), not found or not yours (404), a business rule (422); writes also a conflict
(409); throttled views 429. PortalAutoSchema adds those responses to every operation, so
clients (and the schemathesis run in tests/api/test_schema_fuzz.py) can rely on the list.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ERROR_DESCRIPTIONS = {
    400: "提交的数据或查询参数有误（errors 按字段列出）",
    401: "未登录、令牌无效、已过期或已撤销",
    403: "无权执行此操作",
    404: "对象不存在，或不属于您的访问范围",
    409: "与现有数据冲突（如重复投票、重复记录）",
    422: "请求不符合业务规则（如不在投票期内）",
    429: "请求过于频繁",
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="中文说明")
    code = serializers.CharField(help_text="机器可读的错误代码，如 invalid、not_found、conflict")
    errors = serializers.DictField(
        child=serializers.JSONField(), help_text="按字段（或行号）列出的错误；没有时为空对象"
    )

    class Meta:
        ref_name = "Error"


# Ids are PostgreSQL bigints: a path id outside this range names nothing (404).
ID_MIN, ID_MAX = 1, 2**63 - 1


def year_parameter(minimum: int, maximum: int) -> OpenApiParameter:
    """The `year` query parameter with the range its view accepts (another year is 400)."""
    return OpenApiParameter(
        "year",
        {"type": "integer", "minimum": minimum, "maximum": maximum},
        description=f"年度，{minimum} 至 {maximum}，如 2022",
    )


def document_limits(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS): every integer path id states its range, and
    serializers' class docstrings (written for the code's readers, naming code) are not published
    as component descriptions; fields keep their help texts."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"].update({"minimum": ID_MIN, "maximum": ID_MAX})
    for component in result.get("components", {}).get("schemas", {}).values():
        if "properties" in component:
            component.pop("description", None)
    return result


class PortalAutoSchema(AutoSchema):
    def get_description(self):
        """Only descriptions given on purpose (extend_schema(description=...)) are published:
        view docstrings are written for the code's readers and name its internals."""
        return ""

    def _error_codes(self) -> list[int]:
        # 401 everywhere: authenticated views without valid credentials, and the token view
        # itself for wrong ones.
        codes = [400, 401, 403, 404, 422]
        if self.method in WRITE_METHODS:
            codes.append(409)
        if self.view.get_throttles():
            codes.append(429)
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                response = self._get_response_for_code(ErrorSerializer, str(code), direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[str(code)] = response
        return responses
