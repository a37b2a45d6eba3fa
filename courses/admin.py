from django.contrib import admin

from .models import Course, LearningPlatform, StudyGuide, StudyGuideSection, Teacher, Topic, WorkPlan


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
    autocomplete_fields = ["provider", "sector", "platform", "teachers"]
    list_select_related = ["topic", "sector", "provider"]


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
