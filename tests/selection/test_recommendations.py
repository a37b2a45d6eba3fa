import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.models import Category, Course, Mode
from portal.formats import cn_datetime
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Criterion, Phase, Recommendation
from tests.factories import OrganisationFactory

from .factories import ELIGIBLE, CourseFactory, PlatformFactory, open_campaign, pdf_upload

pytestmark = pytest.mark.django_db


def _recommend(campaign, course, organisation=None):
    return services.create_recommendation(
        campaign=campaign,
        organisation=organisation or course.platform.owner,
        course=course,
        intro="主讲教师为教授，课程介绍……",
        study_url="https://jxjy.example.edu.cn/c/1",
        test_account="zhuanjia",
        test_password="pass",
        **ELIGIBLE,
    )


def test_new_campaign_gets_the_notices_six_criteria_and_april_deadline():
    campaign = services.create_campaign(year=2022)
    labels = list(Criterion.objects.filter(campaign=campaign).values_list("label", flat=True))
    assert labels == [row["label"] for row in services.default_rubric()]
    assert len(labels) == 6
    deadline = timezone.localtime(campaign.recommendation_deadline)
    assert (deadline.year, deadline.month, deadline.day, deadline.hour, deadline.minute, deadline.second) == (
        2022,
        4,
        30,
        23,
        59,
        59,
    )
    assert str(deadline.tzinfo) == "Asia/Shanghai"


def test_base_recommends_own_published_public_online_course():
    campaign = open_campaign()
    course = CourseFactory()
    rec = _recommend(campaign, course)
    assert rec.status == Recommendation.Status.DRAFT


def test_city_bureau_with_platform_may_recommend():
    bureau = OrganisationFactory(city_bureau=True)
    course = CourseFactory(platform=PlatformFactory(owner=bureau))
    assert _recommend(open_campaign(), course).organisation == bureau


@pytest.mark.parametrize(
    "change",
    [
        {"category": Category.PROFESSIONAL, "topic": None},
        {"status": Course.Status.DRAFT},
        {"status": Course.Status.WITHDRAWN},
        {"mode": Mode.OFFLINE},
    ],
    ids=["professional_course", "unpublished", "withdrawn", "offline"],
)
def test_only_published_public_online_courses_may_be_recommended(change):
    campaign = open_campaign()
    course = CourseFactory(**change)
    with pytest.raises(RuleBroken):
        _recommend(campaign, course)
    assert not Recommendation.objects.exists()


def test_another_units_course_may_not_be_recommended():
    campaign = open_campaign()
    other = OrganisationFactory(national_base=True)
    PlatformFactory(owner=other)
    with pytest.raises(RuleBroken, match="本单位学习平台"):
        _recommend(campaign, CourseFactory(), organisation=other)


def test_unit_without_platform_cannot_recommend():
    campaign = open_campaign()
    base = OrganisationFactory(national_base=True)
    with pytest.raises(RuleBroken, match="未建继续教育学习平台"):
        services.check_unit_may_recommend(organisation=base)
    with pytest.raises(RuleBroken):
        _recommend(campaign, CourseFactory(), organisation=base)


def test_employer_cannot_recommend():
    with pytest.raises(RuleBroken, match="继续教育基地"):
        services.check_unit_may_recommend(organisation=OrganisationFactory())


def test_no_recommendation_after_the_deadline():
    campaign = open_campaign(recommendation_deadline=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(RuleBroken, match="推荐已截止") as refused:
        _recommend(campaign, CourseFactory())
    assert not Recommendation.objects.exists()
    # The deadline as people write it, in Beijing time (issue 23).
    assert cn_datetime(campaign.recommendation_deadline) in refused.value.messages[0]


def test_submit_needs_pledge_with_every_clause_and_scan_then_withdraw_before_deadline():
    campaign = open_campaign()
    rec = _recommend(campaign, CourseFactory())
    with pytest.raises(RuleBroken, match="知识产权保护承诺书"):
        services.submit_recommendation(recommendation=rec)
    services.save_pledge(
        recommendation=rec,
        signatory="张校长",
        signed_on=datetime.date(2022, 4, 20),
        owns_full_ip=True,
        no_plagiarism=True,
        bears_liability=False,
    )
    with pytest.raises(RuleBroken):
        services.submit_recommendation(recommendation=rec)
    services.save_pledge(
        recommendation=rec,
        signatory="张校长",
        signed_on=datetime.date(2022, 4, 20),
        owns_full_ip=True,
        no_plagiarism=True,
        bears_liability=True,
        scan=pdf_upload(),
    )
    rec = services.submit_recommendation(recommendation=rec)
    assert rec.status == Recommendation.Status.SUBMITTED and rec.submitted_at
    rec = services.withdraw_recommendation(recommendation=rec)
    assert rec.status == Recommendation.Status.WITHDRAWN


def test_pledge_scan_must_be_a_real_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    rec = _recommend(open_campaign(), CourseFactory())
    fake = SimpleUploadedFile("pledge.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.save_pledge(
            recommendation=rec,
            signatory="张校长",
            signed_on=datetime.date(2022, 4, 20),
            owns_full_ip=True,
            no_plagiarism=True,
            bears_liability=True,
            scan=fake,
        )


def test_withdraw_after_deadline_is_refused():
    campaign = open_campaign(phase=Phase.REVIEW)
    from .factories import submitted_recommendation

    rec = submitted_recommendation(campaign)
    with pytest.raises(RuleBroken):
        services.withdraw_recommendation(recommendation=rec)
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.SUBMITTED
