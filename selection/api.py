"""API v1 of the evaluation (see shared/API.md): thin views over services and selectors."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.errors import Conflict, RuleViolation
from portal.api.permissions import RulesPermission

from . import selectors, services
from .exceptions import AlreadyDone, RuleBroken
from .models import Campaign, Recommendation


def raise_api_error(exc) -> None:
    """Map the services' errors to the contract's status codes (409 repeat, 422 rule)."""
    detail = exc.messages[0] if exc.messages else None
    code = getattr(exc, "code", None) or None
    if isinstance(exc, AlreadyDone):
        raise Conflict(detail=detail, code=code) from exc
    if isinstance(exc, RuleBroken):
        raise RuleViolation(detail=detail, code=code) from exc
    raise exc


def request_body(request) -> dict:
    """The request's fields; a JSON body that is not an object is bad input (400), not a crash."""
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("请求内容须为 JSON 对象。")]})
    return request.data


class CampaignSerializer(serializers.ModelSerializer):
    phase_display = serializers.CharField(source="get_phase_display", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "year",
            "title",
            "phase",
            "phase_display",
            "recommendation_deadline",
            "review_start",
            "review_end",
            "voting_start",
            "voting_end",
            "objection_start",
            "objection_end",
            "published_at",
            "expert_weight",
            "vote_weight",
            "select_count",
            "min_combined_score",
            "min_expert_scores",
            "tie_rule",
            "blind_review",
            "votes_per_voter",
        ]


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("year", int, description="年度，如 2022")]))
class CampaignList(generics.ListAPIView):
    """Campaigns with their phase and phase dates; `?year=2022` filters."""

    permission_classes = [AllowAny]
    serializer_class = CampaignSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.campaigns()
        year = self.request.query_params.get("year")
        if year:
            if not year.isdigit():
                raise exceptions.ValidationError({"year": _("年度必须是数字。")})
            qs = qs.filter(year=int(year))
        return qs


class CourseBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.SerializerMethodField(help_text="课程；专家盲评期间 id 为 null。")
    organisation = serializers.SerializerMethodField(help_text="推荐单位名称；专家盲评期间为 null。")
    intro = serializers.CharField()
    study_url = serializers.URLField()
    votes = serializers.SerializerMethodField()

    @extend_schema_field(CourseBriefSerializer)
    def get_course(self, obj) -> dict:
        # Under blind review the anonymised view (selectors.anonymised_course): the candidate's
        # own id identifies it; course.id is null, as the catalogue resolves a course id to its
        # provider and teachers.
        if self.context.get("identities_hidden"):
            view = selectors.anonymised_course(obj)
            return {"id": None, "title": view.title, "hours": f"{view.hours:.1f}"}
        return {"id": obj.course.pk, "title": obj.course.title, "hours": f"{obj.course.hours:.1f}"}

    def get_organisation(self, obj) -> str | None:
        # Null under blind review (selectors.identities_hidden).
        return None if self.context.get("identities_hidden") else obj.organisation.name

    def get_votes(self, obj) -> int | None:
        return obj.vote_count if self.context.get("show_votes") else None


class CandidateList(generics.ListAPIView):
    """The recommendations open to voting. `votes` is null until voting closes."""

    permission_classes = [AllowAny]
    serializer_class = CandidateSerializer
    filter_backends: list = []

    def get_campaign(self) -> Campaign:
        if not hasattr(self, "_campaign"):
            self._campaign = get_object_or_404(Campaign, pk=self.kwargs["pk"])
        return self._campaign

    def get_queryset(self):
        return selectors.candidates_with_votes(campaign=self.get_campaign())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_votes"] = selectors.vote_counts_visible(campaign=self.get_campaign(), user=self.request.user)
        context["identities_hidden"] = selectors.identities_hidden(campaign=self.get_campaign(), user=self.request.user)
        return context


class VoteCreate(APIView):
    """Vote for one candidate (verified professional, voting window): 201, 409 repeat, 422 rule."""

    permission_classes = [RulesPermission]
    permission_required = "selection.vote"

    @extend_schema(
        request=inline_serializer("VoteIn", {"recommendation": serializers.IntegerField()}),
        responses={
            201: inline_serializer(
                "VoteOut",
                {
                    "id": serializers.IntegerField(),
                    "recommendation": serializers.IntegerField(),
                    "remaining": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request, pk: int):
        rec_id = request.data.get("recommendation") if isinstance(request.data, dict) else None
        is_number = isinstance(rec_id, int) and not isinstance(rec_id, bool)
        if not is_number and not (isinstance(rec_id, str) and rec_id.isdigit()):
            get_object_or_404(Campaign, pk=pk)  # an unknown campaign is a 404 whatever the body
            request_body(request)  # a body that is not an object: 400
            raise exceptions.ValidationError({"recommendation": _("请指定要投票的推荐课程。")})
        # One query for the candidate (selectors.candidates: a submitted recommendation of this
        # campaign) and its campaign; 404 when either is unknown.
        candidate = Recommendation.objects.filter(campaign_id=pk, status=Recommendation.Status.SUBMITTED)
        recommendation = get_object_or_404(candidate.select_related("campaign"), pk=int(rec_id))
        campaign = recommendation.campaign
        try:
            vote, remaining = services.cast_counted_vote(
                campaign=campaign, recommendation=recommendation, voter=request.user
            )
        except (AlreadyDone, RuleBroken) as exc:
            raise_api_error(exc)
        return Response(
            {"id": vote.pk, "recommendation": recommendation.pk, "remaining": remaining},
            status=status.HTTP_201_CREATED,
        )


class ScoreSubmit(APIView):
    """The assigned expert scores every criterion (review window): `{"criteria": {code: n}, "comment"}`."""

    permission_classes = [RulesPermission]
    permission_required = "selection.review"

    @extend_schema(
        request=inline_serializer(
            "ScoreIn",
            {
                "criteria": serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=1)),
                "comment": serializers.CharField(required=False),
            },
        ),
        responses={
            201: inline_serializer(
                "ScoreOut",
                {
                    "assignment": serializers.IntegerField(),
                    "total": serializers.DecimalField(max_digits=6, decimal_places=2),
                },
            )
        },
    )
    def post(self, request, pk: int):
        # "Not yours" and "conflicted" are both not found (a new conflict removes the assignment).
        assignment = get_object_or_404(services.access_assignments(expert=request.user), pk=pk)
        data = request_body(request)
        comment = data.get("comment") or ""
        if not isinstance(comment, str):
            raise exceptions.ValidationError({"comment": _("评审意见格式有误。")})
        try:
            services.check_declared(campaign=assignment.recommendation.campaign, expert=request.user)
            score = services.submit_score(
                assignment=assignment, expert=request.user, criteria=data.get("criteria"), comment=comment
            )
        except RuleBroken as exc:
            raise_api_error(exc)
        return Response({"assignment": assignment.pk, "total": str(score.total)}, status=status.HTTP_201_CREATED)


class ResultRowSerializer(serializers.Serializer):
    """One row of `selectors.public_results_view` (the sealed snapshot once confirmed)."""

    rank = serializers.IntegerField(allow_null=True)
    recommendation = serializers.IntegerField()
    course = serializers.DictField()
    organisation = serializers.CharField()
    expert_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    votes = serializers.IntegerField()
    combined_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    selected = serializers.BooleanField()
    tied_at_line = serializers.BooleanField()


class ResultsView(APIView):
    """The same as the results page: 404 before the public notice (公示); the proposed list with
    `"final": false` during it; the final list once published. Rules printed as on the page."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "Results",
            {
                "final": serializers.BooleanField(),
                "formula": serializers.CharField(),
                "rules": serializers.ListField(child=serializers.CharField()),
                "expert_weight": serializers.DecimalField(max_digits=4, decimal_places=3),
                "vote_weight": serializers.DecimalField(max_digits=4, decimal_places=3),
                "results": ResultRowSerializer(many=True),
            },
        )
    )
    def get(self, request, pk: int):
        campaign = get_object_or_404(Campaign, pk=pk)
        view = selectors.public_results_view(campaign=campaign)
        if view is None:
            raise exceptions.NotFound(_("评选结果尚未公示。"))
        return Response(
            {
                "year": campaign.year,
                "published": campaign.is_published,
                "final": view["final"],
                "formula": services.FORMULA,
                "rules": view["rules"],
                "expert_weight": view["expert_weight"],
                "vote_weight": view["vote_weight"],
                "results": ResultRowSerializer(view["rows"], many=True).data,
                "corrections": [
                    {"version": c.version, "date": c.created_at, "reason": c.reason, "changes": c.changes}
                    for c in view["corrections"]
                ],
            }
        )
