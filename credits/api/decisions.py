"""hour-records/<pk>/approve/ and reject/: deciding a pending record."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.errors import Conflict, RuleViolation
from portal.api.permissions import RulesPermission

from .. import selectors, services
from .common import HourRecordSerializer


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class HourRecordDecisionView(APIView):
    """The one place that decides a pending record (`selectors.records_decidable_by`: the person's
    current employer, or the city bureau when they have none) approves or rejects it (with a reason)."""

    permission_classes = [RulesPermission]
    permission_required = "credits.decide_record"
    approve = True

    @extend_schema(request=DecisionSerializer, responses=HourRecordSerializer)
    def post(self, request, pk: int):
        decidable = selectors.records_decidable_by(request.user, pending_only=False)
        record = get_object_or_404(decidable, pk=pk)
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            if self.approve:
                record = services.approve_record(record_id=record.pk, actor=request.user)
            else:
                record = services.reject_record(
                    record_id=record.pk, actor=request.user, reason=data.validated_data["reason"]
                )
        except DjangoValidationError as exc:
            code = getattr(exc, "code", None)
            if code == "already_decided":
                raise Conflict(exc.messages[0], code="already_decided") from None
            if code in ("own_record", "sent_to_city_bureau", "over_self_report_maximum"):
                raise RuleViolation(exc.messages[0], code=code) from None
            raise
        return Response(HourRecordSerializer(record).data)
