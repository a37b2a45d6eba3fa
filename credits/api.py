"""API v1 for the ledger (see shared/API.md): me/hours, hour-records, bulk intake, compliance lists."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts.models import Role
from accounts.selectors import has_role
from portal import degraded
from portal.api.errors import Conflict, RuleViolation, ServiceUnavailable
from portal.api.permissions import RulesPermission
from portal.api.schema import year_parameter
from portal.bounds import whole_number
from portal.uploads import JPEG, PDF, PNG, validate_upload

from . import caching, selectors, services, throttle
from .forms import proof_max_bytes
from .models import HourRecord
from .selectors.people import employer_visible_to
from .selectors.plan import my_hours
from .services.intake import no_gc_pauses

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
        # The serialized body too is kept behind the person's versions (credits.caching), per
        # language (requirement descriptions and messages are translated).
        try:
            data = caching.cached_read(
                "me-hours-api",
                person_id=request.user.pk,
                parts=(year, get_language()),
                compute=lambda: self._body(request.user, year),
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


class HourRecordListCreateView(ThrottledIntakeMixin, generics.ListAPIView):
    """GET: records you may see (your own; or those your unit recorded).
    POST: a platform's completion (approved on arrival) or your own self-report (pending)."""

    permission_classes = [RulesPermission]
    permission_required = "credits.post_records"
    serializer_class = HourRecordSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        platform = services.platform_organisation_of(user)
        scope = Q(professional=user)
        if platform is not None:
            scope |= Q(recorded_by=platform)
        qs = HourRecord.objects.filter(scope).select_related("recorded_by").order_by("-id")
        if (year := whole_number(self.request.query_params.get("year", ""))) is not None:
            qs = qs.filter(year=year)
        return qs

    @extend_schema(request=HourRecordInputSerializer, responses={201: HourRecordSerializer, 200: HourRecordSerializer})
    def post(self, request):
        data = HourRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = dict(data.validated_data)
        platform = services.platform_organisation_of(request.user)
        if platform is not None and row.get("source") != HourRecord.Source.SELF_REPORTED:
            try:
                [(record, created)] = services.record_platform_hours(
                    organisation=platform, actor=request.user, rows=[row]
                )
            except services.BulkRejected as exc:
                return _row_errors_response(exc, single=True)
        elif has_role(request.user, Role.PROFESSIONAL):
            record, created = self._self_report(request, row)
        else:
            raise exceptions.PermissionDenied()
        return Response(
            HourRecordSerializer(record).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _self_report(self, request, row):
        own = request.user.id_number or ""
        if row.get("id_number") and row["id_number"].upper() != own.upper():
            raise exceptions.PermissionDenied(_("个人只能申报本人的学时。"))
        if row.get("source") not in (None, HourRecord.Source.SELF_REPORTED):
            raise exceptions.ValidationError({"source": [_("个人申报的来源只能是“个人申报（附证明）”。")]})
        _policy_or_422(row["year"])
        # The proof travels as a multipart file ("proof"), checked by content like the page's upload.
        proof = request.FILES.get("proof")
        if proof is not None:
            try:
                validate_upload(proof, allowed={PDF, JPEG, PNG}, max_bytes=proof_max_bytes())
            except DjangoValidationError as exc:
                raise exceptions.ValidationError({"proof": exc.messages}) from None
        return services.self_report_hours(
            professional=request.user,
            year=row["year"],
            title=row.get("title", ""),
            completed_on=row["completed_on"],
            category=row["category"],
            hours=row["hours"],
            external_ref=row.get("external_ref", ""),
            proof=proof,
        )


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
