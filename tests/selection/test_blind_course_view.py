"""Blind review inside the portal (issue 21 point 8): nothing handed to an expert, or to the
public while review is blind, leads to the unit or the teachers; the unit is warned when its
introduction names itself; experts confirm a declaration, once per campaign, before scoring."""

import io
import random

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from accounts.models import Role
from courses import demo as courses_demo
from credits import demo as credits_demo
from selection import demo, selectors, services
from selection.models import Campaign, ExpertDeclaration, Phase, Recommendation, Score
from tests.factories import OrganisationFactory, user_with_role

from .factories import (
    ELIGIBLE,
    CourseFactory,
    PlatformFactory,
    TeacherFactory,
    expert,
    open_campaign,
    pdf_upload,
    submitted_recommendation,
)

pytestmark = pytest.mark.django_db

UNIT, SHORT, TEACHER = "泰山继续教育学院（测试）", "泰山学院", "欧阳明远"


@pytest.fixture
def blind():
    campaign = open_campaign(phase=Phase.REVIEW)
    unit = OrganisationFactory(national_base=True, name=UNIT, short_name=SHORT)
    course = CourseFactory(platform=PlatformFactory(owner=unit), title="数字经济与创新发展")
    course.teachers.add(TeacherFactory(name=TEACHER, organisation=unit))
    rec = submitted_recommendation(
        campaign, course=course, teacher_intro=f"主讲：{TEACHER}教授", notes=f"{SHORT}联系人：王老师"
    )
    Recommendation.objects.filter(pk=rec.pk).update(
        intro="课程讲解数字经济的基本概念与发展路径。", learner_count=23456, rating="4.7", test_account="pingshen2022"
    )
    rec.refresh_from_db()
    reviewer = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    return campaign, rec, reviewer, assignment


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "expert"])
def test_the_candidates_api_under_blind_review_gives_no_course_id(blind, who):
    campaign, rec, reviewer, _a = blind
    body = _api(reviewer if who == "expert" else None).get(f"/api/v1/selection/campaigns/{campaign.pk}/candidates/")
    row = body.json()["results"][0]
    assert row["id"] == rec.pk and row["organisation"] is None
    assert row["course"] == {"id": None, "title": "数字经济与创新发展", "hours": "3.0"}
    text = body.content.decode()
    assert UNIT not in text and SHORT not in text and TEACHER not in text


def test_once_review_is_over_the_candidates_api_names_the_course_again(blind):
    campaign, rec, _reviewer, _a = blind
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.VOTING)
    row = _api().get(f"/api/v1/selection/campaigns/{campaign.pk}/candidates/").json()["results"][0]
    assert row["course"]["id"] == rec.course_id and row["organisation"] == UNIT


def test_the_association_sees_the_course_id_during_blind_review(blind):
    campaign, rec, _reviewer, _a = blind
    admin = user_with_role(Role.ASSOCIATION_ADMIN, OrganisationFactory(association=True))
    row = _api(admin).get(f"/api/v1/selection/campaigns/{campaign.pk}/candidates/").json()["results"][0]
    assert row["course"]["id"] == rec.course_id


def test_the_expert_sees_what_scoring_needs_and_nothing_of_the_unit(client, blind):
    _campaign, rec, reviewer, assignment = blind
    client.force_login(reviewer)
    for url in (
        reverse("selection:expert_assignment", args=[assignment.pk]),
        reverse("selection:recommendation", args=[rec.pk]),
    ):
        page = client.get(url).content.decode()
        for needed in ("数字经济与创新发展", "课程讲解数字经济", "学时", "公需课", "23456", "4.7", "pingshen2022"):
            assert needed in page, (url, needed)
        assert rec.study_url in page
        for leak in (UNIT, SHORT, TEACHER, f"/courses/{rec.course_id}/", f"/api/v1/courses/{rec.course_id}"):
            assert leak not in page, (url, leak)


def _unit_admin_with_draft(client, intro: str):
    campaign = open_campaign()
    unit = OrganisationFactory(national_base=True, name=UNIT, short_name=SHORT)
    course = CourseFactory(platform=PlatformFactory(owner=unit))
    course.teachers.add(TeacherFactory(name=TEACHER, organisation=unit))
    rec = services.create_recommendation(
        campaign=campaign, organisation=unit, course=course, intro="课程简介", study_url="https://a.cn", **ELIGIBLE
    )
    unit_admin = user_with_role(Role.BASE_ADMIN, unit)
    client.force_login(unit_admin)
    data = {
        "action": "save",
        "rec-intro": intro,
        "rec-teacher_intro": f"{TEACHER}，教授",
        "rec-is_original": "on",
        "rec-copyright": "own",
        "rec-learner_count": "1200",
        "rec-rating": "4.6",
        "rec-study_url": "https://a.cn/course/1",
    }
    return rec, data


@pytest.mark.parametrize(
    ("intro", "named"),
    [
        (f"{UNIT}倾力打造的精品课程。", UNIT),
        (f"由{SHORT}录制。", SHORT),
        (f"{TEACHER}教授主讲数字经济。", TEACHER),
    ],
)
def test_the_unit_is_warned_at_save_and_at_submit_when_its_intro_names_itself(client, intro, named):
    rec, data = _unit_admin_with_draft(client, intro)
    url = reverse("selection:unit_detail", args=[rec.pk])
    saved = client.post(url, data, follow=True).content.decode()
    assert f"课程简介中出现了“{named}" in saved and "匿名评审" in saved
    assert Recommendation.objects.get(pk=rec.pk).intro == intro  # a warning, not a refusal
    client.post(
        url,
        {
            "action": "pledge",
            "pledge-signatory": "李校长",
            "pledge-signed_on": "2022-04-25",
            "pledge-owns_full_ip": "on",
            "pledge-no_plagiarism": "on",
            "pledge-bears_liability": "on",
            "pledge-scan": pdf_upload(),
        },
    )
    submitted = client.post(reverse("selection:unit_submit", args=[rec.pk]), follow=True).content.decode()
    assert "已报送" in submitted and f"课程简介中出现了“{named}" in submitted


def test_an_intro_about_the_course_only_gets_no_warning(client):
    rec, data = _unit_admin_with_draft(client, "本课程讲解数字经济的基本概念。")
    saved = client.post(reverse("selection:unit_detail", args=[rec.pk]), data, follow=True).content.decode()
    assert "推荐信息已保存" in saved and "课程简介中出现了" not in saved


def test_the_expert_confirms_the_declaration_once_per_campaign_before_scoring(client, blind):
    campaign, _rec, reviewer, assignment = blind
    client.force_login(reviewer)
    url = reverse("selection:expert_assignment", args=[assignment.pk])
    values = {f"c_{c.code}": "10" for c in campaign.criteria.all()}
    refused = client.post(url, values, follow=True).content.decode()
    assert "请先阅读并确认《评审专家声明》" in refused and not Score.objects.exists()
    home = client.get(reverse("selection:expert")).content.decode()
    declaration_url = reverse("selection:expert_declaration", args=[campaign.year])
    assert declaration_url in home
    page = client.get(declaration_url).content.decode()
    assert "不通过课程所在学习平台、课程目录、搜索引擎" in page
    client.post(declaration_url, {})  # the box must be ticked
    assert not ExpertDeclaration.objects.exists()
    client.post(declaration_url, {"confirm": "yes"})
    client.post(declaration_url, {"confirm": "yes"})
    declaration = ExpertDeclaration.objects.get()
    assert (declaration.expert, declaration.campaign) == (reviewer, campaign) and "课程目录" in declaration.text
    assert client.post(url, values).status_code == 302 and Score.objects.filter(assignment=assignment).exists()
    # Another campaign needs its own declaration; another expert's does not count for anyone else.
    other = open_campaign(year=2023, phase=Phase.REVIEW)
    assert not services.has_declared(campaign=other, expert=reviewer)
    assert not services.has_declared(campaign=campaign, expert=expert())


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.BASE_ADMIN])
def test_only_experts_make_the_declaration(client, blind, role):
    campaign, *_rest = blind
    client.force_login(user_with_role(role))
    response = client.post(reverse("selection:expert_declaration", args=[campaign.year]), {"confirm": "yes"})
    assert response.status_code == 403 and not ExpertDeclaration.objects.exists()


def test_the_demo_introductions_do_not_name_their_unit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ctx = DemoContext(rng=random.Random(2022), out=io.StringIO())
    for module in (accounts_demo, courses_demo, credits_demo, demo):
        module.seed(ctx)
    recs = Recommendation.objects.select_related("organisation", "course").prefetch_related("course__teachers")
    assert recs.exists()
    for rec in recs:
        assert selectors.names_in_intro(intro=rec.intro, organisation=rec.organisation, course=rec.course) == []
