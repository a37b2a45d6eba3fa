"""Catalogue API v1: courses (read by anyone, written by their providers), platforms, guides, topics."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response

from accounts.models import Organisation
from portal.api.permissions import RulesPermission
from portal.api.schema import year_parameter

from . import selectors, services
from .filters import CourseFilter
from .models import Course, LearningPlatform, StudyGuide, Topic
from .services.common import COURSE_FIELDS, MAX_YEAR, MIN_YEAR


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "city"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "year", "group", "name", "order"]


class PlatformSerializer(serializers.ModelSerializer):
    owner = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = LearningPlatform
        fields = ["id", "name", "url", "audience", "department", "notes", "is_active", "owner"]


class PlatformRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningPlatform
        fields = ["id", "name", "url"]


class TeacherSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    professional_title = serializers.CharField()
    unit = serializers.CharField(source="unit_name")
    bio = serializers.CharField()


class CourseSerializer(serializers.ModelSerializer):
    # Null where the course has none: a professional course has no topic, a public one no
    # sector, an offline one no platform.
    topic = TopicSerializer(read_only=True, allow_null=True)
    sector = OrganisationRefSerializer(read_only=True, allow_null=True)
    provider = OrganisationRefSerializer(read_only=True)
    platform = PlatformRefSerializer(read_only=True, allow_null=True)
    teachers = TeacherSerializer(many=True, read_only=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "category",
            "topic",
            "sector",
            "hours",
            "mode",
            "provider",
            "platform",
            "url",
            "description",
            "teachers",
            "year_from",
            "year_to",
            "is_original",
            "copyright_holder",
            "status",
            "place",
            "start_date",
            "end_date",
            "frozen_at",
            "previous_version",
        ]
        read_only_fields = ["frozen_at", "previous_version"]


class CourseWriteSerializer(serializers.ModelSerializer):
    """What a provider sends. The rules (topic, sector, own platform, work plan...) are the services'."""

    provider = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, help_text="默认为当前用户所在的唯一提供单位"
    )
    hours = serializers.DecimalField(max_digits=8, decimal_places=1)
    teacher_names = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=50)

    class Meta:
        model = Course
        # The fields the course service saves, plus who provides the course and its teachers.
        fields = ["provider", *COURSE_FIELDS, "teacher_names"]
        # Model validators are replaced by services.validate_course, which gives the notice's messages.
        extra_kwargs = {"year_from": {"validators": []}, "year_to": {"validators": []}}

    def _provider(self, attrs) -> Organisation:
        user = self.context["request"].user
        own = selectors.provider_organisation_ids(user)
        provider = attrs.get("provider") or (self.instance.provider if self.instance else None)
        if provider is None:
            if len(own) != 1:
                raise serializers.ValidationError({"provider": _("请指定提供单位。")})
            return Organisation.objects.get(pk=own[0])
        if provider.pk not in own:
            raise exceptions.PermissionDenied(_("您无权管理该单位的数据。"))
        return provider

    def save(self, **kwargs):
        data = dict(self.validated_data)
        provider = self._provider(data)
        data.pop("provider", None)
        teacher_names = data.pop("teacher_names", None)
        with transaction.atomic():
            self.instance = services.save_course(
                actor=self.context["request"].user,
                provider=provider,
                data=data,
                course=self.instance,
                teacher_names=teacher_names,
            )
        return self.instance

    def to_representation(self, instance):
        instance = selectors.courses_managed_by(self.context["request"].user).get(pk=instance.pk)
        return CourseSerializer(instance, context=self.context).data


class _ReadPublicWriteProviders:
    permission_required = "courses.manage_courses"
    object_permission_required = "courses.change_course"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [RulesPermission()]


@extend_schema_view(
    get=extend_schema(
        summary="课程目录",
        parameters=[
            OpenApiParameter("topic", OpenApiTypes.STR, description="专题 id 或名称"),
            OpenApiParameter("provider", OpenApiTypes.STR, description="提供单位 id 或名称"),
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="true：本单位的全部课程（含草稿）"),
            year_parameter(MIN_YEAR, MAX_YEAR),
        ],
    ),
    post=extend_schema(summary="提供单位新建课程", request=CourseWriteSerializer, responses=CourseSerializer),
)
class CourseListCreateView(_ReadPublicWriteProviders, generics.ListCreateAPIView):
    """Published courses, filtered as in shared/API.md; `mine=true` lists the caller's own units' courses."""

    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = CourseFilter
    ordering_fields = ["title", "hours", "year_to", "id"]

    def get_queryset(self):
        if self.request.query_params.get("mine") in ("1", "true") and self.request.user.is_authenticated:
            return selectors.courses_managed_by(self.request.user).order_by("-updated_at", "id")
        return selectors.catalogue().order_by(*selectors.CATALOGUE_ORDER)

    def get_serializer_class(self):
        return CourseSerializer if self.request.method in SAFE_METHODS else CourseWriteSerializer


@extend_schema_view(
    put=extend_schema(request=CourseWriteSerializer, responses=CourseSerializer),
    patch=extend_schema(request=CourseWriteSerializer, responses=CourseSerializer),
)
class CourseDetailView(_ReadPublicWriteProviders, generics.RetrieveUpdateAPIView):
    def get_queryset(self):
        if self.request.method in SAFE_METHODS:
            return selectors.course_visible_to(self.request.user)
        return selectors.courses_managed_by(self.request.user)

    def get_serializer_class(self):
        return CourseSerializer if self.request.method in SAFE_METHODS else CourseWriteSerializer


@extend_schema(summary="复制为新课程/新版本（草稿）", request=None, responses={201: CourseSerializer})
class CourseNewVersionView(generics.GenericAPIView):
    """The way to change a course with credited hours: a draft copy pointing at it (`previous_version`)."""

    permission_classes = [RulesPermission]
    permission_required = "courses.manage_courses"
    object_permission_required = "courses.change_course"
    serializer_class = CourseSerializer

    def get_queryset(self):
        return selectors.courses_managed_by(self.request.user)

    def post(self, request, pk: int):
        copy = services.copy_course_as_new_version(actor=request.user, course=self.get_object())
        copy = selectors.courses_managed_by(request.user).get(pk=copy.pk)
        return Response(CourseSerializer(copy, context=self.get_serializer_context()).data, status=201)


class PlatformListView(generics.ListAPIView):
    """Learning platforms in operation (attachment 2 fields)."""

    permission_classes = [AllowAny]
    serializer_class = PlatformSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["owner"]

    def get_queryset(self):
        return selectors.active_platforms().order_by("owner__name", "name")


class PlatformDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = PlatformSerializer

    def get_queryset(self):
        return selectors.active_platforms()


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="section.id")
    level = serializers.IntegerField(source="section.level")
    order = serializers.IntegerField(source="section.order")
    heading = serializers.CharField(source="section.heading")
    body = serializers.CharField(source="section.body")
    children = serializers.SerializerMethodField()

    def get_children(self, node) -> list[dict]:
        return SectionSerializer(node["children"], many=True).data


class GuideSerializer(serializers.ModelSerializer):
    department = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = StudyGuide
        fields = [
            "id",
            "department",
            "year",
            "title",
            "status",
            "published_at",
            "hours_requirement",
            "learning_forms",
            "related_requirements",
        ]


class GuideDetailSerializer(GuideSerializer):
    sections = serializers.SerializerMethodField()

    class Meta(GuideSerializer.Meta):
        fields = [*GuideSerializer.Meta.fields, "sections"]

    def get_sections(self, guide) -> list[dict]:
        return SectionSerializer(selectors.section_tree(guide=guide), many=True).data


class GuideListView(generics.ListAPIView):
    """Published study guides (`?year=2022`, `?department=<id>`)."""

    permission_classes = [AllowAny]
    serializer_class = GuideSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["year", "department"]

    def get_queryset(self):
        return selectors.published_guides()


class GuideDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = GuideDetailSerializer

    def get_object(self):
        return get_object_or_404(selectors.guide_visible_to(self.request.user), pk=self.kwargs["pk"])


class TopicListView(generics.ListAPIView):
    """The public-subject topics (`?year=2022`)."""

    permission_classes = [AllowAny]
    serializer_class = TopicSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["year", "group"]
    pagination_class = None

    def get_queryset(self):
        return Topic.objects.order_by("year", "order", "id")
