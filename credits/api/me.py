"""GET me/hours/: a person's year, its gaps and plan (the API's 我的学时)."""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import cache_versions
from portal.api.errors import RuleViolation
from portal.api.permissions import RulesPermission
from portal.api.schema import year_parameter

from .. import selectors
from ..selectors.plan import my_hours
from .common import HOURS, YEAR_MAX, YEAR_MIN, FiguresSerializer, HourRecordSerializer, _year


class ComplianceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    public_hours = serializers.DecimalField(source="public", **HOURS)
    professional_hours = serializers.DecimalField(source="professional", **HOURS)
    total_hours = serializers.DecimalField(source="total", **HOURS)
    required = FiguresSerializer()
    missing = FiguresSerializer()
    compliant = serializers.BooleanField()


class RequirementLineSerializer(serializers.Serializer):
    set_by = serializers.CharField()
    description = serializers.CharField(source="requirement")
    met = serializers.BooleanField()
    done_hours = serializers.DecimalField(source="done", allow_null=True, **HOURS)


class GapSerializer(serializers.Serializer):
    category = serializers.CharField()
    required = serializers.DecimalField(**HOURS)
    approved = serializers.DecimalField(**HOURS)
    pending = serializers.DecimalField(**HOURS)
    missing = serializers.DecimalField(**HOURS)
    to_plan = serializers.DecimalField(**HOURS)


class GapsSerializer(serializers.Serializer):
    public = GapSerializer()
    professional = GapSerializer()
    extra = serializers.DecimalField(**HOURS)
    missing = serializers.DecimalField(**HOURS)


class PlanCourseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    hours = serializers.DecimalField(**HOURS)
    provider = serializers.CharField(source="provider.name")


class PickSerializer(serializers.Serializer):
    target = serializers.DecimalField(**HOURS)
    hours = serializers.DecimalField(**HOURS)
    enough = serializers.BooleanField()
    short = serializers.DecimalField(**HOURS)
    courses = PlanCourseSerializer(many=True)


class PlanGuideSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    department = serializers.CharField(source="department.name")


class PlanSerializer(serializers.Serializer):
    public = PickSerializer()
    professional = PickSerializer()
    sectors = serializers.SerializerMethodField()
    guides = PlanGuideSerializer(many=True)
    requirements = RequirementLineSerializer(many=True)

    def get_sectors(self, plan) -> list[str]:
        return [s.name for s in plan.sectors]


class MeHoursSerializer(ComplianceSerializer):
    records = HourRecordSerializer(many=True)
    requirements = RequirementLineSerializer(many=True)
    requirements_binding = serializers.BooleanField()
    gaps = GapsSerializer()
    plan = PlanSerializer(allow_null=True)


class MeHoursView(APIView):
    """Your approved hours of a year against its policy, with every record (pending ones too), the
    departments' and cities' requirements that bind you, what is missing per category (pending
    hours apart) and the plan of courses that fills it (null when nothing is missing)."""

    permission_classes = [RulesPermission]
    permission_required = "credits.view_my_hours"

    @extend_schema(parameters=[year_parameter(YEAR_MIN, YEAR_MAX)], responses=MeHoursSerializer)
    def get(self, request):
        year = _year(request)
        # The serialized body too is kept behind the person's versions (portal.cache_versions), per
        # language (requirement descriptions and messages are translated).
        try:
            data = cache_versions.cached(
                "me-hours-api",
                (request.user.pk, year, get_language()),
                lambda: self._body(request.user, year),
                versions=cache_versions.for_person(request.user.pk),
            )
        except selectors.NoPolicyError as exc:
            raise RuleViolation(exc.messages[0], code="no_policy") from None
        return Response(data)

    @staticmethod
    def _body(user, year: int) -> dict:
        mine = my_hours(user=user, year=year)
        data = ComplianceSerializer(mine.compliance).data
        data["records"] = HourRecordSerializer(mine.records, many=True).data
        # Departments' and cities' requirements: separate lines; binding for `compliant` only
        # when the year's policy says so.
        data["requirements"] = RequirementLineSerializer(mine.requirement_lines, many=True).data
        data["requirements_binding"] = mine.policy.mandatory_binding
        # The same gaps and plan as the 我的学时 page.
        data["gaps"] = GapsSerializer(mine.gaps).data
        data["plan"] = PlanSerializer(mine.plan).data if mine.plan is not None else None
        return data
