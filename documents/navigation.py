from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from portal.navigation import NavItem

ITEMS = [
    NavItem(role=Role.DEPARTMENT_STAFF, label=_("生成报送材料"), url_name="documents:index", order=60),
    NavItem(role=Role.BASE_ADMIN, label=_("生成报送材料"), url_name="documents:index", order=60),
    NavItem(role=Role.CITY_STAFF, label=_("生成报送材料"), url_name="documents:index", order=60),
    NavItem(role=Role.ASSOCIATION_ADMIN, label=_("生成证书与材料"), url_name="documents:index", order=60),
    NavItem(role=Role.PROFESSIONAL, label=_("下载学时证明"), url_name="credits:certificates", order=60),
]
