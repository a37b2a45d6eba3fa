"""organisations/<pk>/compliance/: an employer's staff with the year's figures."""

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers

from portal.api.permissions import RulesPermission
from portal.api.schema import year_parameter

from .. import selectors
from ..selectors.people import employer_visible_to
from .common import HOURS, TENTH, YEAR_MAX, YEAR_MIN, FiguresSerializer, _policy_or_422, _year


class ComplianceRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    name = serializers.CharField(source="user.display_name")
    id_number = serializers.CharField(source="user.masked_id_number")
    department = serializers.CharField()
    public_hours = serializers.DecimalField(**HOURS)
    professional_hours = serializers.DecimalField(**HOURS)
    total_hours = serializers.DecimalField(**HOURS)
    required = FiguresSerializer(source="figures.required")
    missing = FiguresSerializer(source="figures.missing")
    compliant = serializers.BooleanField(source="figures.compliant")


class OrganisationComplianceView(generics.ListAPIView):
    """An employer's staff with the year's figures (ID numbers masked)."""

    permission_classes = [RulesPermission]
    permission_required = "credits.view_organisation_compliance"
    permission_checks_object_only = True
    serializer_class = ComplianceRowSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[
            year_parameter(YEAR_MIN, YEAR_MAX),
            OpenApiParameter("compliant", bool),
            OpenApiParameter("department", str),
            OpenApiParameter("missing", str, enum=["public", "professional"]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        organisation = employer_visible_to(user=self.request.user, organisation_id=self.kwargs["pk"])
        if organisation is None:
            raise exceptions.NotFound()
        year = _year(self.request)
        self.policy = _policy_or_422(year)
        self.requirements = selectors.requirements_for_employer(employer=organisation, year=year)
        compliant = {"true": True, "false": False}.get(self.request.query_params.get("compliant", "").lower())
        return selectors.roster(
            organisation_id=organisation.pk,
            year=year,
            requirements=self.requirements,
            compliant=compliant,
            department=self.request.query_params.get("department", ""),
            missing=self.request.query_params.get("missing", ""),
        )

    def list(self, request, *args, **kwargs):
        # Plain dicts, the same body as ComplianceRowSerializer (the schema's), without a field
        # object per value: a page of 50 rows has 600 values.
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([compliance_row(row, self.policy, self.requirements) for row in page])


def _hours(value) -> str:
    """A figure as `DecimalField(**HOURS)` shows it (decimals as strings, one place)."""
    return f"{Decimal(value).quantize(TENTH):f}"


def _figures(figures) -> dict:
    return {
        "public": _hours(figures.public),
        "professional": _hours(figures.professional),
        "total": _hours(figures.total),
    }


def compliance_row(row, policy, requirements) -> dict:
    """One roster row as `ComplianceRowSerializer` writes it (tests compare the two); compliance
    as everywhere else (`selectors.compliance_with`, the binding requirements included)."""
    figures = selectors.compliance_with(
        policy=policy,
        public=row.public_hours,
        professional=row.professional_hours,
        lines=selectors.row_requirement_lines(row, requirements),
    )
    return {
        "id": row.user.id,
        "name": row.user.display_name,
        "id_number": row.user.masked_id_number,
        "department": row.department,
        "public_hours": _hours(row.public_hours),
        "professional_hours": _hours(row.professional_hours),
        "total_hours": _hours(row.total_hours),
        "required": _figures(figures.required),
        "missing": _figures(figures.missing),
        "compliant": figures.compliant,
    }
