from django.contrib import admin

from .models import DocumentJob, GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "format", "owner_organisation", "owner_user", "size", "created_at"]
    list_filter = ["kind", "format"]
    list_select_related = ["owner_organisation", "owner_user"]
    readonly_fields = ["cache_key", "sha256", "size", "created_at"]


@admin.register(DocumentJob)
class DocumentJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "format", "requested_by", "status", "progress", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["requested_by"]
