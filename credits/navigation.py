from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from portal.navigation import PUBLIC, NavItem

ITEMS = [
    NavItem(role=PUBLIC, label=_("学时证明查验"), url_name="credits:verify", order=13),
    NavItem(role=Role.PROFESSIONAL, label=_("我的学时"), url_name="credits:my_hours", start=True, order=1),
    NavItem(role=Role.PROFESSIONAL, label=_("申报学时"), url_name="credits:self_report", order=2),
    NavItem(role=Role.EMPLOYER_ADMIN, label=_("职工学时达标"), url_name="credits:roster", start=True, order=1),
    NavItem(role=Role.EMPLOYER_ADMIN, label=_("学时审核"), url_name="credits:queue", order=2),
    NavItem(role=Role.CITY_STAFF, label=_("本市达标统计"), url_name="credits:city_report", start=True, order=1),
    NavItem(role=Role.CITY_STAFF, label=_("学时核查"), url_name="credits:audit", order=2),
    NavItem(role=Role.CITY_STAFF, label=_("导入学时记录"), url_name="credits:import", order=3),
    NavItem(role=Role.CITY_STAFF, label=_("学时审核"), url_name="credits:queue", order=4),
    NavItem(role=Role.CITY_STAFF, label=_("专门学习要求"), url_name="credits:requirements", order=5),
    NavItem(role=Role.DEPARTMENT_STAFF, label=_("专门学习要求"), url_name="credits:requirements", order=30),
    NavItem(role=Role.PROVINCE_STAFF, label=_("学时审核"), url_name="credits:queue", order=3),
    NavItem(role=Role.PROVINCE_STAFF, label=_("全省达标统计"), url_name="credits:province_report", start=True, order=1),
    NavItem(role=Role.PROVINCE_STAFF, label=_("年度学时政策"), url_name="credits:policies", order=2),
    NavItem(role=Role.BASE_ADMIN, label=_("导入学时记录"), url_name="credits:import", order=40),
]
