"""The whole evaluation in one run: recommendation to published results and credited teachers."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from credits.models import HourRecord
from selection import selectors, services
from selection.models import (
    Campaign,
    ExcellentTeacherCertificate,
    Phase,
    Recommendation,
    Result,
    TeacherPoolEntry,
)
from tests.credits.factories import YearPolicyFactory
from tests.factories import OrganisationFactory, user_with_role

from .factories import (
    ELIGIBLE,
    CourseFactory,
    PlatformFactory,
    TeacherFactory,
    expert,
    full_marks,
    open_campaign,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def _move_dates(campaign: Campaign, **fields) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(**fields)
    campaign.refresh_from_db()
    return campaign


def test_recommendation_to_published_results_and_credited_teachers(client):
    YearPolicyFactory(year=2022)
    association = OrganisationFactory(association=True, name="山东省继续工程教育协会（测试）")
    admin = user_with_role(Role.ASSOCIATION_ADMIN, association)
    campaign = open_campaign(year=2022, select_count=2, experts_per_course=5, votes_per_voter=2)

    # Two units recommend three courses; each course has a teacher with an account.
    base = OrganisationFactory(national_base=True)
    bureau = OrganisationFactory(city_bureau=True)
    base_platform, bureau_platform = PlatformFactory(owner=base), PlatformFactory(owner=bureau)
    courses = [
        CourseFactory(platform=base_platform, hours=Decimal("3.0")),
        CourseFactory(platform=base_platform, hours=Decimal("2.5")),
        CourseFactory(platform=bureau_platform, hours=Decimal("4.0")),
    ]
    teachers = []
    for course in courses:
        teacher = TeacherFactory(user=user_with_role(Role.PROFESSIONAL))
        course.teachers.add(teacher)
        teachers.append(teacher)
    recs = []
    for course in courses:
        rec = services.create_recommendation(
            campaign=campaign,
            organisation=course.platform.owner,
            course=course,
            intro="课程及师资简介",
            study_url="https://jxjy.example.cn/c",
            test_account="zj",
            test_password="pw",
            **ELIGIBLE,
        )
        services.save_pledge(
            recommendation=rec,
            signatory="负责人",
            signed_on=datetime.date(2022, 4, 28),
            owns_full_ip=True,
            no_plagiarism=True,
            bears_liability=True,
            scan=pdf_upload(),
        )
        recs.append(services.submit_recommendation(recommendation=rec))

    # Review: six experts, one of them on the base's staff (never assigned to its courses).
    experts = [expert() for _ in range(6)]
    user_with_role(Role.BASE_ADMIN, base)  # an unrelated colleague
    from tests.factories import MembershipFactory

    MembershipFactory(user=experts[0], organisation=base, role=Role.BASE_ADMIN)
    # Every window of the factory campaign is still open: ending a phase early needs a reason.
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.REVIEW, actor=admin, reason="已全部报送")
    assert services.auto_assign(campaign=campaign, actor=admin) == 15
    assert not recs[0].assignments.filter(expert=experts[0]).exists()
    fractions = {recs[0].pk: 0.9, recs[1].pk: 0.8, recs[2].pk: 0.7}
    for rec in recs:
        for assignment in rec.assignments.all():
            services.submit_score(
                assignment=assignment,
                expert=assignment.expert,
                criteria=full_marks(campaign, fractions[rec.pk]),
                comment="",
            )

    # Voting: course 3 gets the most votes.
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin, reason="评审已完成")
    voters = [user_with_role(Role.PROFESSIONAL) for _ in range(4)]
    for voter in voters:
        services.cast_vote(campaign=campaign, recommendation=recs[2], voter=voter)
    services.cast_vote(campaign=campaign, recommendation=recs[1], voter=voters[0])

    # Public notice, an objection answered, confirmation, publication.
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.OBJECTION, actor=admin, reason="投票已结束")
    objection = services.file_objection(
        campaign=campaign, user=voters[1], reason="请核实原创性", recommendation=recs[0]
    )
    services.answer_objection(objection=objection, answer="已核实。", actor=admin)
    # The public notice period ends; confirmation and publication then need no reason.
    Campaign.objects.filter(pk=campaign.pk).update(objection_end=timezone.now() - datetime.timedelta(seconds=1))
    campaign.refresh_from_db()
    services.change_phase(campaign=campaign, to_phase=Phase.CONFIRMED, actor=admin)
    client.force_login(admin)
    response = client.post(reverse("selection:manage_phase", args=[2022, Phase.PUBLISHED]))
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    campaign.refresh_from_db()
    assert campaign.phase == Phase.PUBLISHED

    # Expert scores: 90, 80, 70 (five experts, extremes dropped). Votes 0, 1, 4 of max 4.
    # combined = 0.7 x expert + 0.3 x votes / 4 x 100: 63.00, 63.50, 79.00.
    results = list(selectors.published_results(campaign=campaign))
    assert [(r.recommendation_id, r.combined_score, r.selected) for r in results] == [
        (recs[2].pk, Decimal("79.00"), True),
        (recs[1].pk, Decimal("63.50"), True),
        (recs[0].pk, Decimal("63.00"), False),
    ]
    assert results[0].expert_count == 5

    # Teachers of the selected courses: 2 x course hours credited, pool entry, certificate.
    credited = HourRecord.objects.filter(source=HourRecord.Source.TEACHING)
    assert {(r.professional_id, r.hours) for r in credited} == {
        (teachers[2].user_id, Decimal("8.0")),
        (teachers[1].user_id, Decimal("5.0")),
    }
    assert TeacherPoolEntry.objects.count() == 2
    assert ExcellentTeacherCertificate.objects.filter(campaign=campaign).count() == 2
    assert selectors.selected_count_by_unit(year=2022) == {base.pk: 1, bureau.pk: 1}
    assert selectors.selected_counts_for_unit(organisation=base) == [(2022, 1)]

    # Publishing twice changes nothing; the snapshot verifies.
    client.post(reverse("selection:manage_phase", args=[2022, Phase.PUBLISHED]))
    assert credited.count() == 2
    out = io.StringIO()
    call_command("verify_results", "2022", stdout=out)
    assert "一致" in out.getvalue()
    # Staff read when the result was sealed, not the hash behind it.
    page = client.get(reverse("selection:manage_campaign", args=[2022])).content.decode()
    assert "评选结果已于" in page and "封存" in page
    assert selectors.latest_snapshot(campaign=campaign).sha256[:12] not in page

    # Exports: full result and anonymised scores, under Chinese names people recognise.
    results = client.get(reverse("selection:export_results", args=[2022]))
    assert quote(f"{campaign.title}-评选结果.xlsx") in results["Content-Disposition"]
    wb = load_workbook(io.BytesIO(results.content))
    assert wb.active.max_row == 4
    scores_response = client.get(reverse("selection:export_scores", args=[2022]))
    assert quote(f"{campaign.title}-专家评分.xlsx") in scores_response["Content-Disposition"]
    scores = load_workbook(io.BytesIO(scores_response.content)).active
    names = {row[2] for row in scores.iter_rows(min_row=2, values_only=True)}
    assert names <= {f"专家{i:02d}" for i in range(1, 7)}
    assert all(e.name not in str(list(scores.values)) for e in experts)

    # The API shows the published ranking to anyone.
    client.logout()
    api = client.get(f"/api/v1/selection/campaigns/{campaign.pk}/results/").json()
    assert [row["combined_score"] for row in api["results"]] == ["79.00", "63.50", "63.00"]


def test_verify_results_detects_a_changed_result():
    campaign = open_campaign(phase=Phase.REVIEW)
    services.compute_results(campaign=campaign)
    call_command("verify_results", "2022", stdout=io.StringIO())
    from .factories import submitted_recommendation

    snapshot = selectors.latest_snapshot(campaign=campaign)
    rec = submitted_recommendation(campaign)
    Result.objects.create(
        snapshot=snapshot,
        campaign=campaign,
        recommendation=rec,
        rank=1,
        expert_score=0,
        votes=0,
        combined_score=0,
    )
    with pytest.raises(CommandError):
        call_command("verify_results", "2022", stdout=io.StringIO(), stderr=io.StringIO())


def test_recommendation_deadline_is_end_of_april_shanghai_time():
    campaign = services.create_campaign(year=2022)
    assert campaign.recommendation_deadline == datetime.datetime(2022, 4, 30, 15, 59, 59, tzinfo=datetime.UTC)
    assert timezone.localtime(campaign.recommendation_deadline).strftime("%m-%d %H:%M:%S") == "04-30 23:59:59"
    assert Recommendation.objects.count() == 0
