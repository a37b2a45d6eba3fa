"""hour-records/: the records you may see; one platform completion or your own self-report."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from accounts.models import Role
from accounts.selectors import has_role
from portal.api.permissions import RulesPermission
from portal.bounds import whole_number
from portal.uploads import JPEG, PDF, PNG, validate_upload

from .. import services
from ..forms import proof_max_bytes
from ..models import HourRecord
from .common import HourRecordSerializer, _policy_or_422
from .intake import HourRecordInputSerializer, ThrottledIntakeMixin, _row_errors_response


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
