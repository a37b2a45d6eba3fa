from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from portal.navigation import PUBLIC, NavItem

ITEMS = [
    NavItem(role=PUBLIC, label=_("优质在线公需课评选"), url_name="selection:index", order=12),
    NavItem(
        role=Role.ASSOCIATION_ADMIN, label=_("优质在线公需课评选"), url_name="selection:manage", start=True, order=10
    ),
    NavItem(role=Role.ASSOCIATION_ADMIN, label=_("师资库"), url_name="selection:teacher_pool", order=40),
    NavItem(role=Role.EXPERT, label=_("我的评审任务"), url_name="selection:expert", start=True, order=10),
    NavItem(role=Role.BASE_ADMIN, label=_("优质在线公需课推荐"), url_name="selection:unit", order=40),
    NavItem(role=Role.CITY_STAFF, label=_("优质在线公需课推荐"), url_name="selection:unit", order=40),
    NavItem(role=Role.PROFESSIONAL, label=_("优质公需课网络投票"), url_name="selection:vote", order=40),
    NavItem(role=Role.PROFESSIONAL, label=_("我的异议"), url_name="selection:my_objections", order=41),
]
