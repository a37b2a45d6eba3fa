from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from portal.navigation import PUBLIC, NavItem

ITEMS = [
    NavItem(role=PUBLIC, label=_("课程目录"), url_name="courses:catalogue", order=10),
    NavItem(role=PUBLIC, label=_("学习指南"), url_name="courses:guides", order=11),
    NavItem(role=Role.DEPARTMENT_STAFF, label=_("学习指南管理"), url_name="courses:my_guides", start=True, order=20),
    NavItem(role=Role.DEPARTMENT_STAFF, label=_("本部门课程"), url_name="courses:my_courses", order=21),
    NavItem(role=Role.DEPARTMENT_STAFF, label=_("基地工作计划审核"), url_name="courses:plan_reviews", order=22),
    NavItem(role=Role.BASE_ADMIN, label=_("我的课程"), url_name="courses:my_courses", start=True, order=20),
    NavItem(role=Role.BASE_ADMIN, label=_("年度工作计划"), url_name="courses:work_plans", order=21),
    NavItem(role=Role.BASE_ADMIN, label=_("学习平台"), url_name="courses:my_platforms", order=22),
    NavItem(role=Role.BASE_ADMIN, label=_("授课教师"), url_name="courses:my_teachers", order=23),
    NavItem(role=Role.CITY_STAFF, label=_("本市课程"), url_name="courses:my_courses", order=30),
    NavItem(role=Role.CITY_STAFF, label=_("学习平台"), url_name="courses:my_platforms", order=31),
    NavItem(role=Role.CITY_STAFF, label=_("导出课程目录"), url_name="courses:export", order=32),
    NavItem(role=Role.PROFESSIONAL, label=_("我的授课"), url_name="courses:my_teaching", order=40),
    NavItem(role=Role.PROVINCE_STAFF, label=_("公需课专题"), url_name="courses:topics", order=30),
    NavItem(role=Role.PROVINCE_STAFF, label=_("导出课程目录"), url_name="courses:export", order=31),
    NavItem(role=Role.PROVINCE_STAFF, label=_("基地工作计划审核"), url_name="courses:plan_reviews", order=32),
]
