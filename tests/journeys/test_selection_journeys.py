"""Public, expert and association (issue 14, Done when): anyone reads the candidates and the
published results, a professional votes, the expert scores a course, and the association takes
campaigns through their phases, each change on its confirmation page."""

import pytest
from django.utils import timezone

from accounts.models import User
from selection import services
from selection.models import Campaign, Phase, Score
from tests.selection.factories import open_campaign, submitted_recommendation

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)


def public_and_professional(journey, viewport, year: int):
    public = journey(viewport, "public")
    public.go("/selection/", expect="优质在线公需课")
    public.go(f"/selection/{year}/candidates/", expect="候选")
    public.go("/selection/2022/results/", expect="入选")
    public.go("/courses/", expect="继续教育课程目录")

    voter = journey(viewport, "vote", "professional")
    page = voter.go("/selection/vote/", expect="剩余票数")
    title = page.locator("article.card:has(a.button) h2").first.inner_text()
    voter.click("article.card a.button", has_text="投一票", expect="确认投票")
    voter.click("#main form button[type=submit]", has_text="确认投票", expect="我的投票")
    assert title in page.locator("#main section").first.inner_text()


def expert_scores(journey, viewport, assignment):
    expert = journey(viewport, "expert", "expert")
    expert.go("/selection/expert/", expect=assignment.recommendation.course.title)
    campaign = assignment.recommendation.campaign
    if not services.has_declared(campaign=campaign, expert=assignment.expert):
        # Once per campaign, before the first score: the expert's declaration.
        page = expert.click("#main a", has_text="评审专家声明", expect="不通过课程所在学习平台")
        page.check("input[name=confirm]")
        expert.click("#main form button[type=submit]", expect="已确认评审专家声明")
    page = expert.go(f"/selection/expert/assignments/{assignment.pk}/", expect="当前总分")
    fields = page.locator("form[data-score-sheet] input[type=number]")
    for i in range(fields.count()):
        fields.nth(i).fill(str(float(fields.nth(i).get_attribute("max")) * 0.8))
    expert.click("form[data-score-sheet] button[type=submit]", expect="评分已提交。")
    assert Score.objects.filter(assignment=assignment).exists()


def advance(association, year: int, to_phase: str, button: str):
    association.go(f"/selection/manage/{year}/")
    page = association.click("a.button", has_text=button, expect="确认：")
    page.fill("textarea[name=reason]", "按评选工作安排推进。")
    association.click("#main form.card button[type=submit]", expect="阶段")
    assert Campaign.objects.get(year=year).phase == to_phase, (year, to_phase)


def test_public_expert_and_association_journeys(demo, journey):
    current = Campaign.objects.get(year=timezone.localdate().year)
    assert current.phase == Phase.VOTING
    # A campaign of next year in expert review, with one course per width for the demo expert.
    review = open_campaign(year=current.year + 1, phase=Phase.REVIEW)
    expert_user = User.objects.get(username="expert")
    assignments = [
        services.assign_expert(recommendation=submitted_recommendation(review), expert=expert_user) for _ in VIEWPORTS
    ]

    for viewport, assignment in zip(VIEWPORTS, assignments, strict=True):
        public_and_professional(journey, viewport, current.year)
        expert_scores(journey, viewport, assignment)

    phone, desktop = VIEWPORTS
    association = journey(phone, "association", "association")
    association.go("/selection/manage/", expect=current.title)
    association.go(f"/selection/manage/{current.year}/anomalies/", expect="每日投票数")
    assert association.smallest_chart_text_px() >= 11, "the vote chart's labels are too small to read"
    advance(association, current.year, Phase.OBJECTION, "进入下一阶段")
    advance(association, current.year, Phase.CONFIRMED, "确认评选结果")
    # Publishing waits for the end of the objection window: the confirmation page says so.
    association.go(f"/selection/manage/{current.year}/phase/published/", expect="确认：")
    association.click("#main form.card button[type=submit]", expect="结果公示期尚未结束，不能发布。")
    assert Campaign.objects.get(year=current.year).phase == Phase.CONFIRMED

    association = journey(desktop, "association", "association")
    association.go(f"/selection/manage/{review.year}/", expect="专家评审")
    advance(association, review.year, Phase.VOTING, "进入下一阶段")
    association.go(f"/selection/manage/{current.year}/anomalies/", expect="每日投票数")
    assert association.smallest_chart_text_px() >= 11
