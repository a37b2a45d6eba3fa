from django.utils.translation import gettext_lazy as _

from portal.navigation import NavItem

from .models import Role

ITEMS = [
    NavItem(role=Role.PROVINCE_STAFF, label=_("设置变更记录"), url_name="accounts:setting_changes", order=90),
    NavItem(role=Role.ASSOCIATION_ADMIN, label=_("设置变更记录"), url_name="accounts:setting_changes", order=90),
]
