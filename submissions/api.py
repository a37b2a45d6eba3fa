"""API v1 for materials (shared/API.md): list calls, send materials, read their state."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.api.errors import Conflict, RuleViolation
from portal.api.permissions import RulesPermission
from portal.bounds import whole_number
from portal.deadlines import earliest_open_deadline, is_open

from . import services
from .models import Call, Submission, SubmissionEvent
from .selectors import (
    calls_for_units,
    calls_visible_to,
    extensions_of_units,
    is_expected,
    submissions_visible_to,
    unit_ids_of,
    units_of,
)


class SubmissionOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CallSerializer(serializers.ModelSerializer):
    receiver = SubmissionOrganisationSerializer(read_only=True)
    audience_label = serializers.CharField(source="get_audience_display", read_only=True)
    my_deadline = serializers.SerializerMethodField(help_text="本单位的截止时间（含延期）；非报送单位为 null。")

    class Meta:
        model = Call
        fields = [
            "id",
            "year",
            "name",
            "material",
            "audience",
            "audience_label",
            "receiver",
            "deadline",
            "my_deadline",
            "is_open",
        ]

    def _my_deadline(self, call):
        if call.pk not in self.context.get("my_call_ids", set()):
            return None
        later = [e.deadline for e in self.context.get("extensions", {}).get(call.pk, []) if e.deadline > call.deadline]
        return max(later) if later else call.deadline

    def get_my_deadline(self, call) -> str | None:
        deadline = self._my_deadline(call)
        return None if deadline is None else serializers.DateTimeField().to_representation(deadline)

    is_open = serializers.SerializerMethodField(help_text="现在是否仍可报送（按本单位截止时间，含延期）。")

    def get_is_open(self, call) -> bool:
        return is_open(deadline=self._my_deadline(call) or call.deadline)


class CallList(generics.ListAPIView):
    """Calls for materials the user's units must answer or the user reviews, with deadlines."""

    serializer_class = CallSerializer
    permission_classes = [RulesPermission]
    permission_required = "submissions.view"
    filter_backends: list = []

    def get_queryset(self):
        calls = calls_visible_to(self.request.user, year=self._year(), unit_call_ids=self._my_call_ids()).order_by(
            "-year", "deadline", "id"
        )
        unit_ids = unit_ids_of(self.request.user)
        if self._open_only():
            after = earliest_open_deadline()
            still_open = Q(deadline__gte=after) | Q(extensions__unit_id__in=unit_ids, extensions__deadline__gte=after)
            calls = calls.filter(pk__in=Call.objects.filter(still_open).values("pk"))
        return calls.prefetch_related(
            Prefetch("extensions", queryset=extensions_of_units(unit_ids=unit_ids), to_attr="my_extensions")
        )

    def _open_only(self) -> bool:
        raw = self.request.query_params.get("open", "")
        if raw not in ("", "true", "false", "1", "0"):
            raise ValidationError({"open": [_("open 只能为 true 或 false。")]})
        return raw in ("true", "1")

    def _year(self) -> int | None:
        raw = self.request.query_params.get("year")
        if not raw:
            return None
        year = whole_number(raw)
        if year is None or not 1900 < year < 3000:
            raise ValidationError({"year": [_("年度须为四位数字。")]})
        return year

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["my_call_ids"] = self._my_call_ids()
        return context

    def _my_call_ids(self) -> set[int]:
        if not hasattr(self, "_call_ids"):
            unit_ids = unit_ids_of(self.request.user)
            self._call_ids = set(calls_for_units(unit_ids, year=self._year()).values_list("pk", flat=True))
        return self._call_ids

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = self.get_serializer_context()
        context["extensions"] = {c.pk: c.my_extensions for c in page}
        return self.get_paginated_response(CallSerializer(page, many=True, context=context).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="年度，如 2022"),
            OpenApiParameter("open", bool, description="true：只列出仍可报送的通知（含本单位延期）"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    word_name = serializers.CharField()
    pdf_name = serializers.CharField()
    word_size = serializers.IntegerField()
    pdf_size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default="")
    action_label = serializers.CharField(source="get_action_display")

    class Meta:
        model = SubmissionEvent
        fields = ["action", "action_label", "actor", "comment", "created_at"]


class SubmissionSerializer(serializers.ModelSerializer):
    unit = SubmissionOrganisationSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    current_version = VersionSerializer(read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "call",
            "unit",
            "title",
            "status",
            "status_label",
            "current_version",
            "first_submitted_at",
            "submitted_at",
            "resubmit_by",
            "review_comment",
            "events",
        ]


_FILE_ERRORS = {"required": gettext_lazy("请上传该文件。"), "empty": gettext_lazy("文件为空。")}


class SubmissionCreateSerializer(serializers.Serializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())
    unit = serializers.IntegerField(required=False, help_text="报送单位 id（同时在多个单位任职时填写）")
    title = serializers.CharField(max_length=200)
    word_file = serializers.FileField(error_messages=_FILE_ERRORS)
    pdf_file = serializers.FileField(error_messages=_FILE_ERRORS)
    draft = serializers.BooleanField(required=False, default=False)


def raise_api_error(exc: DjangoValidationError):
    """Rule refusals become 409/422 per the contract; bad input stays 400."""
    code = getattr(exc, "code", None) or "rule_violation"
    if isinstance(exc, services.AlreadySubmitted):
        raise Conflict(detail=exc.messages[0], code=code) from exc
    rule_refusals = (
        services.DeadlinePassed,
        services.WrongTitle,
        services.NotExpected,
        services.GeneratedFromRecommendations,
    )
    if isinstance(exc, rule_refusals):
        raise RuleViolation(detail=exc.messages[0], code=code) from exc
    raise exc


class SubmissionListCreate(generics.ListCreateAPIView):
    """GET: the materials of the user's units (and of the calls the user reviews).
    POST (multipart): send materials — `call`, `title`, `word_file`, `pdf_file`."""

    permission_classes = [RulesPermission]
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list = []

    @property
    def permission_required(self):
        return "submissions.send" if self.request.method == "POST" else "submissions.view"

    def get_queryset(self):
        return (
            submissions_visible_to(self.request.user)
            .select_related("current_version")
            .prefetch_related(Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor")))
            .order_by("-updated_at", "id")
        )

    def get_serializer_class(self):
        return SubmissionCreateSerializer if self.request.method == "POST" else SubmissionSerializer

    @extend_schema(request=SubmissionCreateSerializer, responses={201: SubmissionSerializer})
    def post(self, request, *args, **kwargs):
        data = SubmissionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        call = values["call"]
        unit = self._unit_for(call, values.get("unit"))
        try:
            submission = services.send_materials(
                call=call,
                unit=unit,
                user=request.user,
                title=values["title"],
                word_file=values["word_file"],
                pdf_file=values["pdf_file"],
                draft=values["draft"],
            )
        except DjangoValidationError as exc:
            raise_api_error(exc)
        submission = self.get_queryset().get(pk=submission.pk)
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)

    def _unit_for(self, call: Call, unit_id: int | None):
        units = list(units_of(self.request.user))
        if unit_id is not None:
            units = [u for u in units if u.pk == unit_id]
            if not units:
                raise ValidationError({"unit": [_("您不是该单位的报送人员。")]})
        for unit in units:
            if is_expected(call=call, unit=unit):
                return unit
        raise RuleViolation(detail=_("本单位不在该通知的报送范围内。"), code="not_expected")


class SubmissionDetail(generics.RetrieveAPIView):
    """The state of one submission (404 if it is not the user's unit's nor a call the user reviews)."""

    serializer_class = SubmissionSerializer
    permission_classes = [RulesPermission]
    permission_required = "submissions.view"

    def get_queryset(self):
        return submissions_visible_to(self.request.user).prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor"))
        )
