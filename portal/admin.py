from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Announcement

admin.site.site_header = _("山东省专业技术人员继续教育管理门户")
admin.site.site_title = _("继续教育门户管理")
admin.site.index_title = _("后台管理")


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "published_at", "is_published", "is_pinned"]
    list_filter = ["is_published", "is_pinned"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
