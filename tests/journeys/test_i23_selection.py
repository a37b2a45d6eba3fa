"""Issue 23, the evaluation as first-time users meet it, at 375 and 1280 px: the expert finds the
current task first, scores it with the running total in view (an out-of-range value is shown as
an error and not added), and declares a conflict (其他 needs a reason, then a confirmation); a
professional votes through a confirmation naming the course and its unit; after voting ends the
vote page says 投票已结束 and an anonymous visitor learns how to object; the association enters
the weights as percentages."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from selection import services
from selection.models import Assignment, Campaign, ConflictOfInterest, Phase, Score, Vote
from tests.selection.factories import CourseFactory, open_campaign, submitted_recommendation

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)

# Several courses of the catalogue share a title: the unit tells them apart.
SHARED_TITLE = "专业技术人员职业道德与能力建设"


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height + 1


def expert_scores_the_current_task(journey, viewport, task):
    expert = journey(viewport, "i23-expert", "expert")
    page = expert.go("/selection/expert/", expect="我的评审任务")
    first = page.locator("#main tr[data-task]").first
    assert SHARED_TITLE in first.inner_text() and "待评分" in first.inner_text(), "the current task is not first"
    campaign = task.recommendation.campaign
    if not services.has_declared(campaign=campaign, expert=task.expert):
        # Once per campaign, before the first score: the expert's declaration, then back to the list.
        page = expert.click("#main a", has_text="评审专家声明", expect="不通过课程所在学习平台")
        page.check("input[name=confirm]")
        page = expert.click("#main form button[type=submit]", expect="已确认评审专家声明")
    first = page.locator("#main tr[data-task]").first
    first.locator("a", has_text="去评分").click()
    page = expert.check("current task", expect="当前总分")
    fields = page.locator("form[data-score-sheet] input[type=number]")
    maxima = [Decimal(fields.nth(i).get_attribute("max")) for i in range(fields.count())]
    # Scrolled to the first criterion on a long page, the running total stays on screen.
    fields.nth(0).scroll_into_view_if_needed()
    assert in_viewport(page, "[data-score-total-bar]"), (viewport, "the total is out of view")
    fields.nth(0).fill(str(maxima[0] + 5))
    error = page.locator(".score-range-error").first
    assert error.is_visible() and "未计入总分" in error.inner_text()
    assert page.locator("[data-score-total]").inner_text() == "0"
    expected = Decimal("0")
    for i, top in enumerate(maxima):
        value = (top * Decimal("0.8")).quantize(Decimal("0.1"))
        fields.nth(i).fill(str(value))
        expected += value
    assert not page.locator(".score-range-error").first.is_visible()
    assert Decimal(page.locator("[data-score-total]").inner_text()) == expected
    fields.nth(fields.count() - 1).scroll_into_view_if_needed()
    assert in_viewport(page, "[data-score-total-bar]")
    expert.check("score sheet filled")
    expert.click("form[data-score-sheet] button[type=submit]", expect="评分已提交。")
    assert Score.objects.filter(assignment=task).exists()
    return expert


def expert_declares_a_conflict(expert, conflict):
    page = expert.go(f"/selection/expert/assignments/{conflict.pk}/", expect="申报回避")
    page.select_option("select[name=type]", "declared")
    expert.click("#main form button[type=submit]", has_text="申报回避", expect="请填写回避理由")
    assert Assignment.objects.filter(pk=conflict.pk).exists()
    page = expert.page
    page.fill("textarea[name=reason]", "本人曾参与该课程的脚本编写。")
    expert.click("#main form button[type=submit]", has_text="下一步", expect="确认后该评审任务立即撤销")
    assert Assignment.objects.filter(pk=conflict.pk).exists(), "recorded before the confirmation"
    expert.click("#main form button[type=submit]", has_text="确认申报回避", expect="已申报回避")
    assert ConflictOfInterest.objects.filter(recommendation=conflict.recommendation, type="declared").exists()
    assert not Assignment.objects.filter(pk=conflict.pk).exists()


def professional_votes(journey, viewport):
    voter = journey(viewport, "i23-vote", "professional")
    user = User.objects.get(username="professional")
    before = Vote.objects.filter(voter=user).count()
    page = voter.go("/selection/vote/", expect="剩余票数")
    card = page.locator("article.card:has(a.button)").first
    title, unit = card.locator("h2").inner_text(), card.locator("p.muted").first.inner_text()
    page = voter.click("article.card a.button", has_text="投一票", expect="确认投票")
    summary = page.locator(".confirm-summary").inner_text()
    assert title in summary and unit in summary and "不能撤回" in page.inner_text("#main")
    assert Vote.objects.filter(voter=user).count() == before, "counted before the confirmation"
    voter.click("#main form button[type=submit]", has_text="确认投票", expect="投票成功")
    assert Vote.objects.filter(voter=user).count() == before + 1


def association_enters_percentages(journey, viewport, year: int, weights: tuple[str, str]):
    association = journey(viewport, "i23-association", "association")
    page = association.go("/selection/manage/", expect="年")
    # The voting window in the cn_date convention: 2028年6月1日—6月15日, never "06-01 — 06-15".
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日—\d{1,2}月\d{1,2}日", page.inner_text("#main table tbody"))
    page = association.go(f"/selection/manage/{year}/settings/", expect="专家评审权重（%）")
    page.fill("input[name=expert_weight]", weights[0])
    page.fill("input[name=vote_weight]", "40")
    association.click("#main form.card button[type=submit]", has_text="保存设置", expect="之和必须为 100%")
    page = association.page
    page.fill("input[name=expert_weight]", weights[0])
    page.fill("input[name=vote_weight]", weights[1])
    association.click("#main form.card button[type=submit]", has_text="保存设置", expect="评选设置已保存。")
    campaign = Campaign.objects.get(year=year)
    assert campaign.expert_weight == Decimal(weights[0]) / 100 and campaign.vote_weight == Decimal(weights[1]) / 100
    association.go(f"/selection/manage/{year}/", expect=f"专家 {weights[0]}% / 投票 {weights[1]}%")


def after_voting_ends(journey, viewport, year: int):
    voter = journey(viewport, "i23-closed", "professional")
    page = voter.go("/selection/vote/", expect="投票已结束")
    main = page.inner_text("#main")
    assert "剩余票数" not in main and "投一票" not in main
    public = journey(viewport, "i23-public")
    page = public.go("/selection/", expect="如何提出异议")
    assert "参加网络投票" not in page.inner_text("#main")
    public.go(f"/selection/{year}/results/", expect="如何提出异议")
    public.click("#main a", has_text="登录后提出异议", expect="登录")
    assert "next=" in public.page.url


def test_i23_selection_journeys(demo, journey):
    current = Campaign.objects.get(year=timezone.localdate().year)
    assert current.phase == Phase.VOTING
    # Next year's campaign in expert review: two like-named courses per width for the demo expert,
    # one to score and one to declare a conflict for.
    review = open_campaign(year=current.year + 1, phase=Phase.REVIEW)
    expert_user = User.objects.get(username="expert")
    tasks = []
    for _ in VIEWPORTS:
        pair = [
            services.assign_expert(
                recommendation=submitted_recommendation(review, course=CourseFactory(title=SHARED_TITLE)),
                expert=expert_user,
            )
            for _ in range(2)
        ]
        tasks.append(pair)

    admin = User.objects.get(username="association")
    # A campaign being set up (its schedule in order) for the association's weights.
    planned = services.create_campaign(year=current.year + 2, actor=admin)
    for viewport, (task, conflict), weights in zip(VIEWPORTS, tasks, [("65", "35"), ("70", "30")], strict=True):
        expert = expert_scores_the_current_task(journey, viewport, task)
        expert_declares_a_conflict(expert, conflict)
        professional_votes(journey, viewport)
        association_enters_percentages(journey, viewport, planned.year, weights)

    services.change_phase(campaign=current, to_phase=Phase.OBJECTION, actor=admin, reason="投票工作已完成。")
    for viewport in VIEWPORTS:
        after_voting_ends(journey, viewport, current.year)
