from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "masked_id", "is_verified", "is_staff", "is_active"]
    list_filter = ["is_verified", "is_staff", "is_active", "memberships__role"]
    search_fields = ["username", "name", "id_number", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("专业技术人员信息"), {"fields": ("name", "id_number", "phone", "is_verified")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("专业技术人员信息"), {"fields": ("name", "id_number", "phone", "is_verified")}),
    )
    inlines = [MembershipInline]

    @admin.display(description=_("身份证号"))
    def masked_id(self, obj):
        return obj.masked_id_number


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "base_level", "city", "parent", "is_active"]
    list_filter = ["kind", "sector", "base_level", "city", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "department", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__username", "user__name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "type", "actor", "organisation", "target", "ip_address"]
    list_filter = ["type"]
    search_fields = ["target", "actor__username"]
    list_select_related = ["actor", "organisation"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
