"""Blind review (issue 12 point 2): with the campaign setting on, experts see neither the
recommending unit nor the teachers' names on any surface: pages, API and downloads."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Campaign, Phase, Pledge
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, PlatformFactory, TeacherFactory, expert, open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db

UNIT = "泰山继续教育学院（测试）"
TEACHER = "欧阳明远"


@pytest.fixture
def setup(db):
    campaign = open_campaign(phase=Phase.REVIEW)
    unit = OrganisationFactory(national_base=True, name=UNIT)
    course = CourseFactory(platform=PlatformFactory(owner=unit))
    course.teachers.add(TeacherFactory(name=TEACHER, organisation=unit))
    rec = submitted_recommendation(campaign, course=course, teacher_intro=f"主讲：{TEACHER}教授")
    Pledge.objects.create(
        recommendation=rec,
        signatory="负责人",
        signed_on="2022-04-20",
        owns_full_ip=True,
        no_plagiarism=True,
        bears_liability=True,
        scan=ContentFile(b"%PDF-1.4", name="p.pdf"),
    )
    rec.licence.save("licence.pdf", ContentFile(b"%PDF-1.4"), save=True)
    reviewer = expert()
    assignment = services.assign_expert(recommendation=rec, expert=reviewer)
    return campaign, rec, reviewer, assignment


def _expert_surfaces(client, campaign, rec, assignment, reviewer) -> dict[str, str]:
    client.force_login(reviewer)
    api = APIClient()
    api.force_authenticate(reviewer)
    return {
        "list": client.get(reverse("selection:expert")).content.decode(),
        "assignment": client.get(reverse("selection:expert_assignment", args=[assignment.pk])).content.decode(),
        "detail": client.get(reverse("selection:recommendation", args=[rec.pk])).content.decode(),
        "candidates": client.get(reverse("selection:candidates", args=[campaign.year])).content.decode(),
        "api": api.get(f"/api/v1/selection/campaigns/{campaign.pk}/candidates/").content.decode(),
    }


def test_experts_see_neither_unit_nor_teachers_anywhere_when_blind(client, setup):
    campaign, rec, reviewer, assignment = setup
    assert campaign.blind_review
    for surface, body in _expert_surfaces(client, campaign, rec, assignment, reviewer).items():
        assert UNIT not in body and TEACHER not in body, surface
    # The course introduction is still there; only the teacher part is hidden.
    assert "课程及师资简介" in _expert_surfaces(client, campaign, rec, assignment, reviewer)["assignment"]


def test_experts_cannot_download_the_papers_that_name_the_unit(client, setup):
    _campaign, rec, reviewer, _assignment = setup
    client.force_login(reviewer)
    assert client.get(reverse("selection:pledge_scan", args=[rec.pk])).status_code == 404
    assert client.get(reverse("selection:licence", args=[rec.pk])).status_code == 404
    for export in ("selection:export_results", "selection:export_scores"):
        assert client.get(reverse(export, args=[rec.campaign.year])).status_code == 403


def test_with_blind_review_off_experts_see_unit_and_teachers(client, setup):
    campaign, rec, reviewer, assignment = setup
    Campaign.objects.filter(pk=campaign.pk).update(blind_review=False)
    surfaces = _expert_surfaces(client, campaign, rec, assignment, reviewer)
    for surface in ("list", "assignment", "detail", "candidates", "api"):
        assert UNIT in surfaces[surface], surface
    assert TEACHER in surfaces["assignment"] and TEACHER in surfaces["detail"]


def test_the_association_and_the_unit_itself_still_see_everything(client, setup):
    _campaign, rec, _reviewer, _assignment = setup
    for user in (user_with_role(Role.ASSOCIATION_ADMIN), user_with_role(Role.BASE_ADMIN, rec.organisation)):
        client.force_login(user)
        body = client.get(reverse("selection:recommendation", args=[rec.pk])).content.decode()
        assert UNIT in body and TEACHER in body


def test_blind_review_cannot_be_switched_during_review(setup):
    campaign, *_rest = setup
    with pytest.raises(RuleBroken, match="匿名评审"):
        services.update_campaign_settings(
            campaign=campaign, actor=user_with_role(Role.ASSOCIATION_ADMIN), blind_review=False
        )
