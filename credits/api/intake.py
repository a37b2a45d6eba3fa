"""What the intake endpoints share: the per-unit rate limit, the row's input and the answer to a refused
batch."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from portal import degraded
from portal.api.errors import ServiceUnavailable

from .. import services, throttle
from ..models import HourRecord


class IntakeThrottle(BaseThrottle):
    """Intake rows per sending unit (credits.throttle, shared with the Excel import page): a
    bulk list spends one row of the budget per row."""

    def allow_request(self, request, view):
        rows = request.data
        count = min(len(rows), services.MAX_BULK_ROWS) if isinstance(rows, list) else 1
        self.seconds = throttle.spend(user=request.user, rows=count)
        if degraded.cache_down():
            # Closed when the cache cannot count (Redis away, issue 22): intake is refused rather
            # than let through unthrottled; reads have no such throttle and keep working.
            degraded.logger.warning("hour intake refused: its rate limit cannot count while the cache is away")
            raise ServiceUnavailable(_("暂时无法受理学时记录提交，请稍后重试。"))
        return self.seconds is None

    def wait(self):
        return self.seconds


class IntakeThrottled(exceptions.Throttled):
    default_detail = "本单位提交学时记录过于频繁，请稍后再试。"


class ThrottledIntakeMixin:
    def get_throttles(self):
        return [IntakeThrottle()] if self.request.method == "POST" else []

    def throttled(self, request, wait):
        exc = IntakeThrottled(detail=_("本单位提交学时记录过于频繁，请稍后再试。"))
        exc.wait = wait
        raise exc


class HourRecordInputSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    year = serializers.IntegerField()
    category = serializers.ChoiceField(choices=HourRecord._meta.get_field("category").choices)
    hours = serializers.CharField(max_length=12)
    course = serializers.IntegerField(required=False, allow_null=True)
    training = serializers.IntegerField(
        required=False, allow_null=True, help_text="线下培训：本基地年度工作计划中的培训编号（工作计划页面列出）。"
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=HourRecord.Source.choices, required=False)
    completed_on = serializers.DateField()
    external_ref = serializers.CharField(max_length=100, required=False, allow_blank=True)


def _row_errors_response(exc: services.BulkRejected, *, single: bool = False) -> Response:
    """A refused batch: 409 when every bad row repeats a course already credited that year (naming
    the first record); for a single row, 404 when the person is unknown or not the unit's to credit
    (one answer for both); otherwise 400 listing every bad row."""
    rows = [e.as_dict() for e in exc.row_errors]
    detail = exc.messages[0]
    if rows and len(rows) == 1 and rows[0]["errors"]:
        detail = next(iter(rows[0]["errors"].values()))
    errors = {"rows": rows}
    if exc.only_duplicates:
        code, status_code = "duplicate_course", status.HTTP_409_CONFLICT
        errors["first_record"] = exc.row_errors[0].first_record
    elif single and rows and rows[0]["errors"] == {"id_number": _(services.NOT_IN_SCOPE)}:
        code, status_code = "not_found", status.HTTP_404_NOT_FOUND
    else:
        code, status_code = "bulk_rejected", status.HTTP_400_BAD_REQUEST
    return Response({"detail": detail, "code": code, "errors": errors}, status=status_code)
