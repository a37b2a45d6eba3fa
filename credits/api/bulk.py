"""hour-records/bulk/: a platform's completions in one list, all stored or none."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import RulesPermission

from .. import services
from ..services.intake import no_gc_pauses
from .intake import HourRecordInputSerializer, ThrottledIntakeMixin, _row_errors_response


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    records = serializers.ListField(child=serializers.IntegerField())


class HourRecordBulkView(ThrottledIntakeMixin, APIView):
    """Up to 10,000 completions in one JSON list: every row valid or none stored."""

    permission_classes = [RulesPermission]
    permission_required = "credits.import_records"

    @extend_schema(request=HourRecordInputSerializer(many=True), responses=BulkResultSerializer)
    def post(self, request):
        # Decoding 10,000 rows allocates as much as storing them: no collector pauses for either.
        with no_gc_pauses():
            return self._post(request)

    def _post(self, request):
        rows = request.data
        if not isinstance(rows, list):
            raise exceptions.ValidationError({"non_field_errors": [_("请提交记录数组（JSON列表）。")]})
        if len(rows) > services.MAX_BULK_ROWS:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        _("单次最多提交 %(max)s 条记录，本次为 %(n)s 条。")
                        % {"max": services.MAX_BULK_ROWS, "n": len(rows)}
                    ]
                },
                code="too_many_rows",
            )
        if not all(isinstance(r, dict) for r in rows):
            raise exceptions.ValidationError({"non_field_errors": [_("每条记录必须是一个对象。")]})
        platform = services.platform_organisation_of(request.user)
        try:
            results = services.record_platform_hours(organisation=platform, actor=request.user, rows=rows)
        except services.BulkRejected as exc:
            return _row_errors_response(exc)
        created = sum(1 for _r, c in results if c)
        body = {"created": created, "existing": len(results) - created, "records": [r.pk for r, _c in results]}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
