"""The CE base and its managing unit (issue 23): the base recommends a course to next year's
campaign, created in December, and sends a work plan whose training rows are labelled; the
province, the base's managing unit, submits no decision (refused, nothing changes), then approves
after its confirmation page."""

import pytest
from django.utils import timezone

from accounts.demo import CE_BASES
from accounts.models import Organisation, User
from courses.models import LearningPlatform, WorkPlan
from selection import services
from selection.models import Recommendation
from tests.selection.factories import CourseFactory

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)


def recommend_to_next_year(journey, viewport, year: int, course):
    base = journey(viewport, "i23-base", "base")
    base.go("/selection/unit/", expect=f"{year}年度优质在线公需课评选")
    page = base.click("#main a.button", has_text=f"推荐课程参加{year}年度评选", expect="新增推荐课程")
    page.select_option("select[name=course]", str(course.pk))
    page.fill("textarea[name=intro]", "本课程讲授专业技术人员职业道德与能力建设的主要内容。")
    page.fill("textarea[name=teacher_intro]", "主讲教师：张教授，长期从事职业道德研究。")
    page.check("input[name=is_original]")
    page.select_option("select[name=copyright]", "own")
    page.fill("input[name=learner_count]", "3200")
    page.fill("input[name=rating]", "4.6")
    page.fill("input[name=study_url]", "https://jxjy.example.edu.cn/course/2027")
    page.fill("input[name=test_account]", f"pingshen{year}")
    base.click("#main form button[type=submit]", expect="推荐已保存为草稿")
    rec = Recommendation.objects.get(course=course)
    assert rec.campaign.year == year and rec.organisation.name == CE_BASES[0][0]
    base.go("/selection/unit/", expect=course.title)
    return base


def send_work_plan(base, year: int) -> WorkPlan:
    base.go("/courses/work-plans/", expect="新建工作计划")
    page = base.click("#main a.button", has_text="新建工作计划", expect="计划内的线下培训")
    page.get_by_label("年度").fill(str(year))
    page.get_by_label("计划内容").fill(f"{year}年度拟举办公需课和专业课线下培训，面向全省专业技术人员。")
    rows = [("公需科目线下专题培训", "12", "公需课"), ("专业科目线下研修班", "24", "专业课")]
    for n, (title, hours, category) in enumerate(rows, start=1):
        page.get_by_label(f"第{n}项培训 培训名称").fill(f"{year}年度{title}")
        page.get_by_label(f"第{n}项培训 学时").fill(hours)
        page.get_by_label(f"第{n}项培训 科目类别").select_option(label=category)
    base.click("#main form button[type=submit]", expect="年度工作计划已报送管理单位。")
    plan = WorkPlan.objects.get(base__name=CE_BASES[0][0], year=year)
    assert plan.status == WorkPlan.Status.SUBMITTED
    assert list(plan.trainings.values_list("title", flat=True)) == [f"{year}年度{t}" for t, _h, _c in rows]
    base.go("/courses/work-plans/", expect=f"{year}年度公需科目线下专题培训")
    return plan


def province_decides(journey, viewport, plan: WorkPlan):
    province = journey(viewport, "i23-province", "province")
    page = province.go("/courses/work-plans/review/", expect="继续教育基地工作计划审核")
    page.select_option("#id_status", "submitted")
    province.click("#main form.filters button[type=submit]", expect=plan.title)
    province.click(f"#main tr:has-text('{plan.title}') a", has_text="审核", expect="计划内的线下培训")
    assert not page.is_checked("input[name=decision][value=approve]")
    assert not page.is_checked("input[name=decision][value=return]")
    # No decision: a Chinese error, and the plan is still waiting.
    province.click("#decide button[type=submit]", expect="请选择审核结果（同意或退回）。")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED and plan.decided_at is None
    page.check("input[name=decision][value=approve]")
    page.fill("textarea[name=reason]", "同意按计划组织实施。")
    province.click("#decide button[type=submit]", expect="本结论不能撤回")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    province.click("#main button", has_text="确认同意", expect="已同意该工作计划。")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED and plan.reason == "同意按计划组织实施。"
    assert plan.decided_by == User.objects.get(username="province")


def test_base_recommends_to_next_year_and_sends_a_work_plan_the_province_approves(demo, journey):
    year = timezone.localdate().year + 1
    # December: the association opens next year's campaign (its default schedule, until 30 April).
    campaign = services.create_campaign(year=year, actor=User.objects.get(username="association"))
    assert campaign.is_recommendation_open
    unit = Organisation.objects.get(name=CE_BASES[0][0])
    platform = LearningPlatform.objects.filter(owner=unit, is_active=True).first()
    # Two of the base's public online courses offered next year, one per width.
    courses = [
        CourseFactory(title=f"职业道德（{n}）", platform=platform, provider=unit, year_from=year, year_to=year)
        for n in ("手机", "电脑")
    ]
    for n, (viewport, course) in enumerate(zip(VIEWPORTS, courses, strict=True)):
        base = recommend_to_next_year(journey, viewport, year, course)
        plan = send_work_plan(base, year + 1 + n)
        province_decides(journey, viewport, plan)
