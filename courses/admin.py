from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .frozen import FROZEN_FIELDS
from .models import Course, LearningPlatform, StudyGuide, StudyGuideSection, Teacher, Topic, WorkPlan
from .services import new_version_of


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["year", "group", "name", "order"]
    list_filter = ["year", "group"]
    search_fields = ["name"]


@admin.register(LearningPlatform)
class LearningPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "url", "audience", "department", "is_active"]
    list_filter = ["is_active", "owner__kind"]
    search_fields = ["name", "owner__name", "url"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["name", "professional_title", "current_unit", "unit", "organisation", "user"]
    search_fields = ["name", "unit", "current_unit__name", "organisation__name"]
    autocomplete_fields = ["organisation", "current_unit", "former_units", "user"]
    list_select_related = ["organisation", "current_unit", "user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "topic",
        "sector",
        "hours",
        "mode",
        "provider",
        "year_from",
        "year_to",
        "status",
    ]
    list_filter = ["status", "category", "mode", "year_to", "provider__kind"]
    search_fields = ["title", "provider__name", "teachers__name"]
    autocomplete_fields = ["provider", "sector", "platform", "teachers", "previous_version"]
    list_select_related = ["topic", "sector", "provider"]
    actions = ["copy_as_new_version"]

    def get_readonly_fields(self, request, obj=None):
        """A course with credited hours shows its frozen figures read-only (the model refuses a change
        anyway; on PostgreSQL the database too): the change is a new version (the action)."""
        frozen = [f.removesuffix("_id") for f in FROZEN_FIELDS] if obj is not None and obj.frozen_at else []
        return [*super().get_readonly_fields(request, obj), *frozen, "frozen_at"]

    @admin.action(description=gettext_lazy("复制为新课程/新版本（草稿）"), permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        copies = [new_version_of(course=course) for course in queryset.order_by("pk")]
        self.message_user(
            request,
            _("已复制 %(n)s 门课程为新版本（草稿），原课程及其学时记录保持不变。") % {"n": len(copies)},
            messages.SUCCESS,
        )


class SectionInline(admin.TabularInline):
    model = StudyGuideSection
    extra = 0
    fields = ["level", "order", "parent", "heading", "body"]


@admin.register(StudyGuide)
class StudyGuideAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "year", "status", "published_at"]
    list_filter = ["status", "year"]
    search_fields = ["title", "department__name"]
    autocomplete_fields = ["department"]
    list_select_related = ["department"]
    inlines = [SectionInline]


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "base", "year", "status", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["status", "year"]
    search_fields = ["title", "base__name"]
    autocomplete_fields = ["base"]
    readonly_fields = ["submitted_by", "submitted_at", "decided_by", "decided_at"]
    list_select_related = ["base", "decided_by"]
