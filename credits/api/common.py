"""What the ledger API's views share: the year parameter, the policy check, hours as the API writes
them, and a record."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from portal.api.errors import RuleViolation
from portal.bounds import whole_number

from .. import selectors
from ..models import HourRecord

HOURS = {"max_digits": 7, "decimal_places": 1}
TENTH = Decimal("0.1")


YEAR_MIN, YEAR_MAX = 1901, 2999


def _year(request) -> int:
    year = whole_number(request.query_params.get("year") or str(timezone.localdate().year))
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        raise exceptions.ValidationError({"year": [_("年度格式不正确。")]})
    return year


def _policy_or_422(year: int):
    try:
        return selectors.policy_for(year=year)
    except selectors.NoPolicyError as exc:
        raise RuleViolation(exc.messages[0], code="no_policy") from None


class FiguresSerializer(serializers.Serializer):
    public = serializers.DecimalField(**HOURS)
    professional = serializers.DecimalField(**HOURS)
    total = serializers.DecimalField(**HOURS)


class HourRecordSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.name", read_only=True)

    class Meta:
        model = HourRecord
        fields = [
            "id",
            "year",
            "completed_on",
            "category",
            "hours",
            "title",
            "source",
            "course",
            "training",
            "recorded_by",
            "external_ref",
            "status",
            "bureau_review",
            "reason",
            "reverses",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields
