"""Issue 21 item 1: a sealed evaluation is the published truth. The snapshot made at confirmation
holds courses with their units, teachers, each score, the votes, ranks and rules; the results page
and API read only it, so no live edit changes a published outcome, and `verify_results` reports
each such edit in Chinese."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Organisation, Role
from accounts.selectors import employer_of
from courses import services as course_services
from courses.models import Course
from selection import services
from selection.models import Assignment, Campaign, ConflictFlag, Phase, ReleasedAssignment, Score, Vote
from tests.factories import MembershipFactory, OrganisationFactory, user_with_role, valid_id_number

from .published import evaluation, force_course_hours, score_of

pytestmark = pytest.mark.django_db


# The language switch's CSRF token is masked afresh on every response; everything else must match.
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def published_outputs(ev) -> tuple[bytes, bytes]:
    html = Client().get(reverse("selection:results", args=[ev.campaign.year])).content
    api = Client().get(f"/api/v1/selection/campaigns/{ev.campaign.pk}/results/").content
    return CSRF.sub(b"", html), api


def _course_hours(ev):  # the selected course raised from 1 to 60 hours behind the freeze
    force_course_hours(ev.selected.course_id, Decimal("60.0"))


def _course_title(ev):
    Course.objects.filter(pk=ev.selected.course_id).update(title="发布后改过的课程名称")


def _course_provider(ev):
    Course.objects.filter(pk=ev.selected.course_id).update(provider=OrganisationFactory(national_base=True))


def _unit_renamed(ev):
    Organisation.objects.filter(pk=ev.selected.organisation_id).update(name="发布后改名的单位")


def _teacher_name(ev, capture):
    with capture(execute=True):
        course_services.save_teacher(
            actor=ev.provider_admin, organisation=ev.plain.organisation, teacher=ev.plain, name="李老师（改）"
        )


def _teacher_id_number(ev, capture):
    with capture(execute=True):
        course_services.save_teacher(
            actor=ev.provider_admin,
            organisation=ev.plain.organisation,
            teacher=ev.plain,
            name="李老师",
            id_number=valid_id_number(424242),
        )


def _teacher_unlinked(ev, capture):
    course_services.unlink_teacher_account(actor=ev.provider_admin, teacher=ev.teacher)


def _teacher_former_unit(ev, capture):
    # The provider sets a teacher's former unit to where both experts work: a conflict after review.
    unit = OrganisationFactory()
    for reviewer in ev.experts:
        MembershipFactory(user=reviewer, organisation=unit)
    with capture(execute=True):
        course_services.save_teacher(
            actor=ev.provider_admin,
            organisation=ev.plain.organisation,
            teacher=ev.plain,
            name="李老师",
            former_units=[unit],
        )


def _new_teacher_row(ev, capture):
    # A new teacher row with the linked person's ID number, confirmed by the person.
    row = course_services.save_teacher(
        actor=ev.provider_admin, organisation=ev.teacher.organisation, name="张老师", id_number=ev.person.id_number
    )
    ev.selected.course.teachers.add(row)
    with capture(execute=True):
        course_services.confirm_teacher_link(user=ev.person, teacher_id=row.pk)


def _expert_membership(ev, capture):
    # An expert joins the recommending unit years later; the sweep and the expert's own pages run.
    MembershipFactory(user=ev.experts[0], organisation=ev.selected.organisation, role=Role.PROFESSIONAL)
    services.release_conflicted_assignments(expert=ev.experts[0])
    list(services.access_assignments(expert=ev.experts[0]))


def _score_row(ev):
    Score.objects.filter(pk=score_of(ev, ev.experts[0], ev.other).pk).update(total=Decimal("100.00"))


def _score_deleted(ev):
    Score.objects.filter(pk=score_of(ev, ev.experts[0], ev.selected).pk).delete()


def _vote_row(ev):
    for _ in range(5):
        voter = user_with_role(Role.PROFESSIONAL)
        Vote.objects.create(campaign=ev.campaign, recommendation=ev.other, voter=voter, employer=employer_of(voter))


def _campaign_settings(ev):
    Campaign.objects.filter(pk=ev.campaign.pk).update(
        title="发布后改名的评选", expert_weight=Decimal("0.500"), vote_weight=Decimal("0.500"), select_count=2
    )


EDITS = {
    "course_hours": _course_hours,
    "course_title": _course_title,
    "course_provider": _course_provider,
    "unit_renamed": _unit_renamed,
    "teacher_name": _teacher_name,
    "teacher_id_number": _teacher_id_number,
    "teacher_unlinked": _teacher_unlinked,
    "teacher_former_unit": _teacher_former_unit,
    "new_teacher_row": _new_teacher_row,
    "expert_membership": _expert_membership,
    "score_row": _score_row,
    "score_deleted": _score_deleted,
    "vote_row": _vote_row,
    "campaign_settings": _campaign_settings,
}


def apply(name, ev, capture):
    edit = EDITS[name]
    if edit.__code__.co_argcount == 2:
        edit(ev, capture)
    else:
        edit(ev)


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_published_result_is_byte_identical_after_each_live_edit(edit, django_capture_on_commit_callbacks):
    ev = evaluation()
    before = published_outputs(ev)
    assert "张老师" in before[0].decode() and "李老师" in before[0].decode()
    apply(edit, ev, django_capture_on_commit_callbacks)
    assert published_outputs(ev) == before


@pytest.mark.parametrize("edit", list(EDITS))
def test_verify_results_reports_each_live_edit(edit, django_capture_on_commit_callbacks):
    ev = evaluation()
    apply(edit, ev, django_capture_on_commit_callbacks)
    err = io.StringIO()
    with pytest.raises(CommandError, match="结果与快照不一致"):
        call_command("verify_results", str(ev.campaign.year), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip()


def test_verify_results_is_clean_when_nothing_changed():
    ev = evaluation()
    out = io.StringIO()
    call_command("verify_results", str(ev.campaign.year), stdout=out)
    assert "结果与快照一致" in out.getvalue()


def test_the_sealed_snapshot_holds_what_is_published_without_the_raw_id_number():
    ev = evaluation()
    snapshot = ev.campaign.snapshots.get(version=1)
    sealed = snapshot.inputs["sealed"]
    course = next(c for c in sealed["courses"] if c["recommendation"] == ev.selected.pk)
    assert course["hours"] == "1.0" and course["organisation"]["name"] == ev.selected.organisation.name
    linked = next(t for t in course["teachers"] if t["teacher"] == ev.teacher.pk)
    assert linked["user"] == ev.person.pk and linked["id_fingerprint"]
    assert ev.person.id_number not in str(snapshot.inputs)
    assert len(sealed["scores"]) == 4 and sum(len(v) for v in sealed["votes"].values()) == 2
    assert sealed["rules"] == services.published_rules(ev.campaign)
    html, api = published_outputs(ev)
    assert ev.person.id_number not in html.decode() and ev.person.id_number not in api.decode()
    assert linked["id_fingerprint"] not in html.decode() + api.decode()


def test_an_expert_who_joined_the_unit_later_keeps_their_score_in_a_published_campaign():
    # The finding: an expert joined a unit in 2026 and lost their 2022 scores in the published campaign.
    ev = evaluation()
    reviewer = ev.experts[0]
    MembershipFactory(user=reviewer, organisation=ev.selected.organisation, role=Role.PROFESSIONAL)
    assert services.release_conflicted_assignments(expert=reviewer) == []
    assert Score.objects.filter(assignment__expert=reviewer).count() == 2
    assert not ReleasedAssignment.objects.exists()
    flag = ConflictFlag.objects.get()
    assert (flag.recommendation, flag.expert, flag.had_score, flag.phase) == (ev.selected, reviewer, True, "published")
    assert AuditEvent.objects.filter(data__event="conflict_flagged_after_review").count() == 1
    # Flagged once, whatever the number of sweeps; the association sees it on the campaign page.
    services.release_conflicted_assignments(expert=reviewer)
    assert ConflictFlag.objects.count() == 1
    client = Client()
    client.force_login(ev.admin)
    page = client.get(reverse("selection:manage_campaign", args=[ev.campaign.year])).content.decode()
    assert "评审结束后发现的利益冲突" in page and ev.selected.course.title in page


def test_a_former_unit_set_during_voting_flags_and_keeps_both_scores(django_capture_on_commit_callbacks):
    # The finding: a provider set a teacher's former unit after review; two experts lost their
    # scores on a course in voting.
    ev = evaluation(phase=Phase.VOTING)
    _teacher_former_unit(ev, django_capture_on_commit_callbacks)
    assert Score.objects.filter(assignment__recommendation=ev.selected).count() == 2
    assert ConflictFlag.objects.filter(recommendation=ev.selected).count() == 2
    assert not ReleasedAssignment.objects.exists()
    # Moving on to 公示 sweeps the campaign again: still flags only.
    campaign = services.change_phase(campaign=ev.campaign, to_phase=Phase.OBJECTION, actor=ev.admin, reason="测试")
    assert Score.objects.filter(assignment__recommendation=ev.selected).count() == 2
    assert campaign.snapshots.get().results.get(recommendation=ev.selected).expert_count == 2


def test_the_same_conflict_during_review_still_releases_the_assignment(django_capture_on_commit_callbacks):
    ev = evaluation(phase=Phase.VOTING)
    review = Campaign.objects.get(pk=ev.campaign.pk)
    Campaign.objects.filter(pk=review.pk).update(phase=Phase.REVIEW)
    _teacher_former_unit(ev, django_capture_on_commit_callbacks)
    assert not Assignment.objects.filter(recommendation=ev.selected, expert__in=ev.experts).exists()
    assert ReleasedAssignment.objects.filter(recommendation=ev.selected).count() == 2
    assert not ConflictFlag.objects.exists()


def test_an_experts_page_read_never_writes_in_a_campaign_past_review(client):
    ev = evaluation()
    reviewer = ev.experts[0]
    MembershipFactory(user=reviewer, organisation=ev.selected.organisation, role=Role.PROFESSIONAL)
    client.force_login(reviewer)
    assert client.get(reverse("selection:expert")).status_code == 200
    assert Assignment.objects.filter(expert=reviewer).count() == 2
    assert not ConflictFlag.objects.exists() and not ReleasedAssignment.objects.exists()


def test_the_teacher_pool_and_certificates_keep_the_sealed_names(django_capture_on_commit_callbacks):
    ev = evaluation()
    _teacher_name(ev, django_capture_on_commit_callbacks)
    _course_title(ev)
    page = Client().get(reverse("selection:teacher_pool")).content.decode()
    assert "李老师（改）" not in page and "发布后改过的课程名称" not in page
    assert "李老师" in page and ev.selected.course.title in page
    assert set(ev.campaign.certificates.values_list("teacher_name", flat=True)) == {"张老师", "李老师"}
