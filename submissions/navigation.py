from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from portal.navigation import NavItem

ITEMS = [
    *[
        NavItem(role=role, label=_("材料报送"), url_name="submissions:my_calls", order=40)
        for role in (Role.DEPARTMENT_STAFF, Role.BASE_ADMIN, Role.CITY_STAFF)
    ],
    *[
        NavItem(role=role, label=_("材料审核"), url_name="submissions:review_calls", order=40)
        for role in (Role.PROVINCE_STAFF, Role.ASSOCIATION_ADMIN)
    ],
]
