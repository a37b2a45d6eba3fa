"""Data for the documents tests: a study guide with sections, a unit with platforms and
recommendations (reusing the selection factories), pledges."""

import datetime

from django.utils import timezone

from courses.models import StudyGuide, StudyGuideSection
from selection.models import Campaign, Pledge
from tests.factories import OrganisationFactory
from tests.selection.factories import CourseFactory, PlatformFactory, submitted_recommendation

__all__ = ["CourseFactory", "PlatformFactory", "campaign", "guide_with_sections", "pledge_for", "unit_package"]


def campaign(year: int = 2022) -> Campaign:
    """A campaign of `year`, written directly: documents only read its year and recommendations."""
    start = timezone.make_aware(datetime.datetime(year, 4, 30, 23, 59))
    day = datetime.timedelta(days=1)
    return Campaign.objects.create(
        year=year,
        title=f"{year}年度优质在线公需课评选",
        recommendation_deadline=start,
        review_start=start + day,
        review_end=start + 10 * day,
        voting_start=start + 11 * day,
        voting_end=start + 20 * day,
        objection_start=start + 21 * day,
        objection_end=start + 28 * day,
        select_count=10,
    )


def guide_with_sections(department=None, year: int = 2022) -> StudyGuide:
    department = department or OrganisationFactory(department=True, name="山东省卫生健康委员会测试")
    guide = StudyGuide.objects.create(
        department=department,
        year=year,
        title=f"{year}年度卫生健康专业技术人员继续教育指南",
        hours_requirement="每年累计不少于90学时。",
        learning_forms="远程教育和线下培训。",
        related_requirements="",
    )
    top = StudyGuideSection.objects.create(
        guide=guide, level=1, order=1, heading="卫生健康法律法规", body="学习法律法规。"
    )
    middle = StudyGuideSection.objects.create(
        guide=guide, parent=top, level=2, order=1, heading="医疗质量安全", body="医疗质量管理办法。"
    )
    StudyGuideSection.objects.create(guide=guide, parent=middle, level=3, order=1, heading="病历书写", body="")
    return guide


def pledge_for(recommendation) -> Pledge:
    return Pledge.objects.create(
        recommendation=recommendation,
        signatory="赵强",
        signed_on=datetime.date(2022, 4, 20),
        owns_full_ip=True,
        no_plagiarism=True,
        bears_liability=True,
    )


def unit_package(*, with_pledges: bool = True):
    """A national CE base with one platform and two recommended courses in 2022."""
    platform = PlatformFactory(name="基地学习平台")
    unit = platform.owner
    the_campaign = campaign(2022)
    recommendations = [
        submitted_recommendation(the_campaign, CourseFactory(platform=platform, title=title))
        for title in ("黄河流域生态保护", "职业道德建设")
    ]
    if with_pledges:
        for rec in recommendations:
            pledge_for(rec)
    return unit, recommendations
