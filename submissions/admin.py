"""Admin: calls and extensions are editable data; what units sent is read-only history."""

from django.contrib import admin

from .models import Call, Extension, ReminderFailure, ReminderSent, Submission, SubmissionEvent, SubmissionVersion


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "audience", "receiver", "deadline"]
    list_filter = ["year", "audience"]
    list_select_related = ["receiver"]


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = ["call", "unit", "deadline", "reason", "granted_by", "granted_at"]
    list_select_related = ["call", "unit", "granted_by"]
    raw_id_fields = ["unit", "granted_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["title", "call", "unit", "status", "submitted_at"]
    list_filter = ["status", "call__year"]
    list_select_related = ["call", "unit"]
    search_fields = ["title", "unit__name"]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "number", "uploaded_by", "uploaded_at"]
    list_select_related = ["submission", "uploaded_by"]


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyAdmin):
    list_display = ["submission", "action", "actor", "created_at"]
    list_select_related = ["submission", "actor"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["call", "unit", "days_before", "sent_at"]
    list_select_related = ["call", "unit"]


@admin.register(ReminderFailure)
class ReminderFailureAdmin(ReadOnlyAdmin):
    list_display = ["call", "unit", "days_before", "error", "failed_at"]
    list_select_related = ["call", "unit"]
