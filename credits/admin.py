"""Admin: policies editable by provincial staff (or superusers); the ledger is read-only here."""

from django.contrib import admin

from accounts.models import Role
from accounts.selectors import has_role

from .models import ConversionRule, HourRecord, HoursCertificate, HoursImport, Requirement, YearPolicy, YearSummary


def _may_edit_policy(request) -> bool:
    return request.user.is_superuser or has_role(request.user, Role.PROVINCE_STAFF)


class ConversionRuleInline(admin.TabularInline):
    model = ConversionRule
    extra = 0


@admin.register(YearPolicy)
class YearPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "min_total",
        "min_public",
        "min_professional",
        "teaching_credit_multiplier",
        "closes_on",
        "review_threshold",
        "self_report_bureau_threshold",
        "mandatory_binding",
    ]
    inlines = [ConversionRuleInline]

    def has_add_permission(self, request):
        return _may_edit_policy(request)

    def has_change_permission(self, request, obj=None):
        return _may_edit_policy(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ledger data changes only through credits.services (same transaction as the summaries)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HourRecord)
class HourRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "professional", "year", "category", "hours", "source", "status", "recorded_by", "created_at"]
    list_filter = ["year", "category", "source", "status"]
    search_fields = ["professional__name", "external_ref", "title"]
    list_select_related = ["professional", "recorded_by"]
    raw_id_fields = ["professional", "course", "training", "recorded_by", "reverses", "submitted_by", "decided_by"]
    raw_id_fields += ["resubmission_of", "first_version"]


@admin.register(YearSummary)
class YearSummaryAdmin(ReadOnlyAdmin):
    list_display = ["professional", "year", "public_hours", "professional_hours"]
    list_filter = ["year"]
    list_select_related = ["professional"]


@admin.register(HoursCertificate)
class HoursCertificateAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "masked_id_number", "year", "total_hours", "issued_at"]
    search_fields = ["code", "name"]


@admin.register(HoursImport)
class HoursImportAdmin(ReadOnlyAdmin):
    """Each upload on the import page and its outcome, as the unit saw it (for staff answering
    "my import did not arrive")."""

    list_display = ["uploaded_at", "organisation", "uploaded_by", "file_name", "rows", "created", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["organisation__name", "file_name"]
    list_select_related = ["organisation", "uploaded_by"]
    date_hierarchy = "uploaded_at"


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    """Set by departments and city bureaus on their page (credits.services.set_requirement, audited)."""

    list_display = ["year", "organisation", "kind", "course", "topic", "min_hours"]
    list_filter = ["year", "kind"]
    list_select_related = ["organisation", "course", "topic"]
