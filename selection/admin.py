from django.contrib import admin

from .models import (
    Campaign,
    Criterion,
    ExcellentTeacherCertificate,
    Objection,
    ObjectionAnswer,
    PhaseTransition,
    Recommendation,
    ReleasedAssignment,
    ResultSnapshot,
    TeacherPoolEntry,
    TieDecision,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "phase", "recommendation_deadline", "voting_start", "voting_end", "published_at"]
    # The phase moves only through the services (forward, recorded); dates, weights and limits are data.
    readonly_fields = ["phase", "published_at"]
    inlines = [CriterionInline]


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "from_phase", "to_phase", "actor", "reason", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["course", "organisation", "campaign", "status", "submitted_at"]
    list_filter = ["campaign", "status"]
    list_select_related = ["course", "organisation", "campaign"]
    raw_id_fields = ["course", "organisation", "created_by"]


class ObjectionAnswerInline(admin.TabularInline):
    model = ObjectionAnswer
    extra = 0
    readonly_fields = ["answer", "reason", "actor", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "recommendation", "filed_by", "created_at", "answered_at"]
    raw_id_fields = ["recommendation", "filed_by"]
    # Answers are given on the campaign page (services.answer_objection keeps every version).
    readonly_fields = ["answer", "answered_by", "answered_at"]
    inlines = [ObjectionAnswerInline]


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(admin.ModelAdmin):
    list_display = ["campaign", "sha256", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TeacherPoolEntry)
class TeacherPoolEntryAdmin(admin.ModelAdmin):
    list_display = ["teacher", "course", "campaign", "removed_at"]


@admin.register(ExcellentTeacherCertificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "teacher", "campaign", "issued_on", "revoked_at"]


@admin.register(TieDecision)
class TieDecisionAdmin(admin.ModelAdmin):
    """Recorded through the campaign page (`services.decide_tie`); read-only here."""

    list_display = ["campaign", "selected", "reason", "actor", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReleasedAssignment)
class ReleasedAssignmentAdmin(admin.ModelAdmin):
    list_display = ["campaign", "recommendation", "expert", "types", "had_score", "replacements", "created_at"]
    list_select_related = ["campaign", "recommendation__course", "expert"]

    def has_change_permission(self, request, obj=None):
        return False
