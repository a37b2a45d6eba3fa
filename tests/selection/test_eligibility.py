"""Eligibility (issue 12 point 7): "推荐的课程应为原创性资源，推荐单位拥有版权" (or a licence uploaded
with the recommendation), and the platform's learner count and rating go with the recommendation
to the experts and the association."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Campaign, Phase, Recommendation
from tests.factories import user_with_role

from .factories import ELIGIBLE, CourseFactory, expert, open_campaign, pdf_upload, submitted_recommendation

pytestmark = pytest.mark.django_db


def _ready(course, **fields) -> Recommendation:
    campaign = Campaign.objects.filter(year=2022).first() or open_campaign()
    rec = services.create_recommendation(
        campaign=campaign,
        organisation=course.platform.owner,
        course=course,
        intro="课程简介",
        study_url="https://a.example.cn/c",
        **{**ELIGIBLE, **fields},
    )
    services.save_pledge(
        recommendation=rec,
        signatory="负责人",
        signed_on=datetime.date(2022, 4, 20),
        owns_full_ip=True,
        no_plagiarism=True,
        bears_liability=True,
        scan=pdf_upload(),
    )
    return rec


def test_a_resource_that_is_not_original_cannot_be_submitted():
    rec = _ready(CourseFactory(), is_original=False)
    with pytest.raises(RuleBroken, match="原创性资源"):
        services.submit_recommendation(recommendation=rec)
    rec = _ready(CourseFactory(is_original=False, title="非原创课程"))
    with pytest.raises(RuleBroken, match="原创性资源"):
        services.submit_recommendation(recommendation=rec)
    assert not Recommendation.objects.filter(status=Recommendation.Status.SUBMITTED).exists()


def test_a_course_whose_copyright_is_someone_elses_needs_an_uploaded_licence():
    rec = _ready(CourseFactory(copyright_holder="某出版社"))
    with pytest.raises(RuleBroken, match="不拥有版权"):
        services.submit_recommendation(recommendation=rec)
    services.update_recommendation(recommendation=rec, copyright=Recommendation.Copyright.LICENSED)
    with pytest.raises(RuleBroken, match="授权书"):
        services.submit_recommendation(recommendation=rec)
    services.save_licence(recommendation=rec, licence=pdf_upload("licence.pdf"))
    assert services.submit_recommendation(recommendation=rec).status == Recommendation.Status.SUBMITTED


def test_the_units_own_copyright_by_name_or_short_name_is_enough():
    course = CourseFactory()
    course.copyright_holder = course.platform.owner.name
    course.save()
    assert services.submit_recommendation(recommendation=_ready(course)).status == Recommendation.Status.SUBMITTED


def test_a_licence_must_be_a_real_pdf():
    rec = _ready(CourseFactory())
    with pytest.raises(ValidationError):
        services.save_licence(recommendation=rec, licence=SimpleUploadedFile("x.pdf", b"not a pdf"))
    rec.refresh_from_db()
    assert not rec.licence


def test_learner_count_and_rating_are_required_to_submit():
    rec = _ready(CourseFactory(), learner_count=None, rating=None)
    with pytest.raises(RuleBroken, match="学习人数和学员评价"):
        services.submit_recommendation(recommendation=rec)


def test_experts_and_the_association_see_learner_count_and_rating(client):
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign, learner_count=45678, rating="4.8")
    reviewer = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    client.force_login(reviewer)
    body = client.get(reverse("selection:expert_assignment", args=[assignment.pk])).content.decode()
    assert "45678" in body and "4.8 / 5" in body
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    body = client.get(reverse("selection:recommendation", args=[rec.pk])).content.decode()
    assert "45678" in body and "4.8 / 5" in body


def test_only_the_unit_and_the_association_download_the_licence(client):
    rec = _ready(CourseFactory())
    services.save_licence(recommendation=rec, licence=pdf_upload("licence.pdf"))
    url = reverse("selection:licence", args=[rec.pk])
    for user, status in [
        (user_with_role(Role.BASE_ADMIN, rec.organisation), 200),
        (user_with_role(Role.ASSOCIATION_ADMIN), 200),
        (user_with_role(Role.BASE_ADMIN), 404),
        (expert(), 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status


def test_the_unit_uploads_a_licence_on_its_page_and_another_unit_cannot(client):
    rec = _ready(CourseFactory(copyright_holder="某出版社"))
    url = reverse("selection:unit_detail", args=[rec.pk])
    client.force_login(user_with_role(Role.BASE_ADMIN))
    assert client.post(url, {"action": "licence", "licence-licence": pdf_upload("l.pdf")}).status_code == 404
    client.force_login(user_with_role(Role.BASE_ADMIN, rec.organisation))
    client.post(url, {"action": "licence", "licence-licence": SimpleUploadedFile("l.pdf", b"not a pdf")})
    rec.refresh_from_db()
    assert not rec.licence
    client.post(url, {"action": "licence", "licence-licence": pdf_upload("l.pdf")})
    rec.refresh_from_db()
    assert rec.licence
