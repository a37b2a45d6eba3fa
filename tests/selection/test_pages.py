"""Every page: allowed roles get 200, other roles 403, anonymous users the login page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.selectors import employer_of
from selection import services
from selection.models import Phase, Score, TeacherPoolEntry, Vote
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, TeacherFactory, expert, open_campaign, submitted_recommendation

ALL_ROLES = list(Role)


@pytest.fixture
def campaign(db):
    return open_campaign(year=2022, phase=Phase.VOTING)


ROLE_PAGES = [
    ("selection:unit", [], {Role.BASE_ADMIN, Role.CITY_STAFF}),
    ("selection:manage", [], {Role.ASSOCIATION_ADMIN}),
    ("selection:manage_campaign", [2022], {Role.ASSOCIATION_ADMIN}),
    ("selection:manage_new", [], {Role.ASSOCIATION_ADMIN}),
    ("selection:manage_settings", [2022], {Role.ASSOCIATION_ADMIN}),
    ("selection:manage_assignments", [2022], {Role.ASSOCIATION_ADMIN}),
    ("selection:manage_anomalies", [2022], {Role.ASSOCIATION_ADMIN}),
    ("selection:manage_phase", [2022, "objection"], {Role.ASSOCIATION_ADMIN}),
    ("selection:export_results", [2022], {Role.ASSOCIATION_ADMIN}),
    ("selection:export_scores", [2022], {Role.ASSOCIATION_ADMIN}),
    ("selection:expert", [], {Role.EXPERT}),
    ("selection:vote", [], {Role.PROFESSIONAL}),
]


@pytest.mark.parametrize(("name", "args", "allowed"), ROLE_PAGES, ids=[p[0] for p in ROLE_PAGES])
def test_role_pages_allow_their_roles_only(client, role_users, campaign, name, args, allowed):
    # The base admin and city staff need a platform for the form page to list their courses.
    url = reverse(name, args=args)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for role in ALL_ROLES:
        client.force_login(role_users[role])
        expected = 200 if role in allowed else 403
        assert client.get(url).status_code == expected, (role, url)


PUBLIC_PAGES = [("selection:index", []), ("selection:candidates", [2022]), ("selection:teacher_pool", [])]


@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_public_pages_open_to_everyone(client, role_users, campaign, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 200
    for role in ALL_ROLES:
        client.force_login(role_users[role])
        assert client.get(url).status_code == 200


def test_results_page_is_empty_before_the_public_notice_for_everyone(client, role_users, campaign):
    url = reverse("selection:results", args=[2022])
    for user in [None, role_users[Role.ASSOCIATION_ADMIN], role_users[Role.PROFESSIONAL]]:
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and "评选结果尚未公示" in response.content.decode()
        assert "综合得分" not in response.content.decode()
    client.logout()
    campaign.phase = Phase.PUBLISHED
    campaign.save()
    response = client.get(url)
    assert response.status_code == 200 and "综合得分" in response.content.decode()


def test_objection_page_needs_login(client, role_users, campaign):
    url = reverse("selection:objection_new", args=[2022])
    assert client.get(url).status_code == 302
    client.force_login(role_users[Role.PROFESSIONAL])
    assert client.get(url).status_code == 200


def test_test_password_visible_to_assigned_expert_and_admin_only(client, role_users, db):
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    assigned = role_users[Role.EXPERT]
    services.assign_expert(recommendation=rec, expert=assigned)
    unit_admin = user_with_role(Role.BASE_ADMIN, rec.organisation)
    url = reverse("selection:recommendation", args=[rec.pk])
    for user, status, shows in [
        (assigned, 200, True),
        (role_users[Role.ASSOCIATION_ADMIN], 200, True),
        (unit_admin, 200, False),
        (expert(), 404, False),
        (role_users[Role.BASE_ADMIN], 404, False),
        (role_users[Role.PROFESSIONAL], 403, False),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        assert ("secret-pass" in response.content.decode()) is shows


def test_expert_page_shows_scoring_form_and_hides_other_scores_during_review(client, db):
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    me, other = expert(), expert()
    mine = services.assign_expert(recommendation=rec, expert=me)
    theirs = services.assign_expert(recommendation=rec, expert=other)
    Score.objects.create(assignment=theirs, values={}, total=Decimal("77.77"), submitted_at=campaign.review_start)
    client.force_login(me)
    url = reverse("selection:expert_assignment", args=[mine.pk])
    assert "评审专家声明" in client.get(url).content.decode()  # scoring starts with the declaration
    services.declare_review_principles(campaign=campaign, expert=me)
    page = client.get(url).content.decode()
    assert "提交评分" in page and "77.77" not in page
    response = client.post(url, {"c_" + c.code: "10" for c in campaign.criteria.all()} | {"comment": "好"})
    assert response.status_code == 302 and Score.objects.filter(assignment=mine).exists()
    campaign.phase = Phase.VOTING
    campaign.save()
    assert "77.77" in client.get(url).content.decode()
    client.force_login(other)
    assert client.get(reverse("selection:expert_assignment", args=[mine.pk])).status_code == 404


def test_voter_page_casts_vote_and_shows_remaining(client, role_users, campaign):
    rec = submitted_recommendation(campaign)
    client.force_login(role_users[Role.PROFESSIONAL])
    client.post(reverse("selection:vote_cast", args=[2022, rec.pk]), {"confirm": "yes"})
    page = client.get(reverse("selection:vote")).content.decode()
    assert "已投票" in page and f"剩余票数：{campaign.votes_per_voter - 1}" in page


def test_unit_page_recommends_own_course(client, db):
    campaign = open_campaign(phase=Phase.RECOMMENDATION)
    course = CourseFactory()
    admin = user_with_role(Role.BASE_ADMIN, course.platform.owner)
    client.force_login(admin)
    response = client.post(
        reverse("selection:unit_new", args=[campaign.year]),
        {
            "course": course.pk,
            "intro": "简介",
            "teacher_intro": "主讲教师简介",
            "is_original": "on",
            "copyright": "own",
            "learner_count": "3500",
            "rating": "4.7",
            "study_url": "https://a.example.cn/c",
            "test_account": "t",
        },
    )
    rec = campaign.recommendations.get()
    assert response.status_code == 302 and rec.course == course
    assert (rec.learner_count, rec.rating, rec.teacher_intro) == (3500, Decimal("4.7"), "主讲教师简介")


SIGNED_IN = ("django_session", "accounts_user", "accounts_membership")


@pytest.mark.parametrize("n", [1, 5])
def test_list_pages_query_count_is_flat(n, client, db):
    campaign = open_campaign(year=2022, phase=Phase.REVIEW)
    admin = user_with_role(Role.ASSOCIATION_ADMIN)
    reviewer = expert()
    professional = user_with_role(Role.PROFESSIONAL)
    unit = CourseFactory().platform.owner
    unit_admin = user_with_role(Role.BASE_ADMIN, unit)
    for _ in range(n):
        rec = submitted_recommendation(campaign, course=CourseFactory(platform=unit.platforms.first()))
        rec.course.teachers.add(TeacherFactory())
        a = services.assign_expert(recommendation=rec, expert=reviewer)
        Score.objects.create(assignment=a, values={}, total=Decimal("80"), submitted_at=campaign.review_start)
        TeacherPoolEntry.objects.create(teacher=rec.course.teachers.first(), campaign=campaign, course=rec.course)
        voter = user_with_role(Role.PROFESSIONAL)
        Vote.objects.create(campaign=campaign, recommendation=rec, voter=voter, employer=employer_of(voter))
    services.compute_results(campaign=campaign)
    # (user, url, queries): every query named by its table, the same for 1 and n rows. Signed-in
    # pages start with SIGNED_IN (session, user, roles with their organisations).
    rec_ = "selection_recommendation"
    pages = [
        # campaign; count of candidates; the page of candidates (with course, unit, vote count)
        (None, reverse("selection:candidates", args=[2022]), ["selection_campaign", rec_, rec_]),
        # count; the page of pool entries (with teacher, course)
        (None, reverse("selection:teacher_pool"), ["selection_teacherpoolentry"] * 2),
        # every campaign; the current one (this year's, else the latest)
        (None, reverse("selection:index"), ["selection_campaign"] * 3),
        (admin, reverse("selection:manage"), [*SIGNED_IN, *["selection_campaign"] * 3]),
        # campaign; votes per hour; employer bursts
        (
            admin,
            reverse("selection:manage_anomalies", args=[2022]),
            [*SIGNED_IN, "selection_campaign", "selection_vote", "selection_vote"],
        ),
        # campaign (not published: nothing else), then the menu's session, user and roles
        (admin, reverse("selection:results", args=[2022]), ["selection_campaign", *SIGNED_IN]),
        (
            admin,
            reverse("selection:manage_campaign", args=[2022]),
            [
                *SIGNED_IN,
                "selection_campaign",
                "selection_resultsnapshot",  # latest snapshot (courses tied at the line)
                "selection_resultsnapshot",  # latest snapshot (the ranking)
                "selection_score",  # expert deviations
                "selection_resultsnapshot",  # latest snapshot (shown)
                "selection_criterion",  # the rubric (published rules)
                "selection_criterion",  # the rubric (shown)
                rec_,  # is any course tied at the line
                "selection_resultsnapshot",  # the sealed version, if any (correction form)
                "selection_phasetransition",
                rec_,  # scoring progress
                "selection_releasedassignment",
                "selection_result",  # the ranking (with courses)
                "courses_teacher",  # the ranked courses' teachers
                "selection_tiedecision",
                "selection_conflictflag",  # conflicts found after review
                "selection_objection",
            ],
        ),
        (
            admin,
            reverse("selection:manage_assignments", args=[2022]),
            [
                *SIGNED_IN,
                "selection_campaign",
                rec_,  # courses to assign
                "accounts_user",  # the experts
                rec_,  # assignment rows
                "selection_assignment",  # their assignments (prefetch)
                "selection_conflictofinterest",  # their declared conflicts (prefetch)
                "selection_releasedassignment",
            ],
        ),
        (
            reviewer,
            reverse("selection:expert"),
            [
                *SIGNED_IN,
                "selection_assignment",  # the expert's assignments
                "accounts_membership",  # conflict rule: the expert's units, current and former
                "selection_conflictofinterest",  # ... declared conflicts
                "courses_course_teachers",  # ... the courses' confirmed teachers
                "courses_teacher_former_units",  # ... their former units
                "selection_assignment",  # the page of assignments (with course, score)
                "selection_expertdeclaration",  # the campaigns the expert has made the declaration for
            ],
        ),
        (
            professional,
            reverse("selection:vote"),
            [
                *SIGNED_IN,
                *["selection_campaign"] * 3,  # open vote, else current (this year's, else latest)
                "selection_vote",  # my votes
                rec_,  # the candidates I may not vote for (teacher, unit staff, scored it)
                "selection_voterballot",  # my ballot
                rec_,  # the candidates
            ],
        ),
        (
            unit_admin,
            reverse("selection:unit"),
            [
                *SIGNED_IN,
                "accounts_organisation",  # the unit
                *["selection_campaign"] * 2,  # campaigns open for recommendations or this year's, else the latest
                "courses_learningplatform",  # does the unit have an active platform
                rec_,  # its recommendations to those campaigns
                "selection_campaign",  # years of published campaigns
            ],
        ),
    ]
    for user, url, queries in pages:
        client.logout()
        if user:
            client.force_login(user)
        # One warm-up request fills process-wide caches (content types), which otherwise make the
        # count depend on which test ran first.
        client.get(url)
        with expect_queries(*queries):
            assert client.get(url).status_code == 200, url


def test_detail_pages_per_role(client, role_users, db):
    campaign = open_campaign(phase=Phase.REVIEW)
    rec = submitted_recommendation(campaign)
    base_admin = role_users[Role.BASE_ADMIN]
    # The role users' base admin works at the recommending unit for this test.
    from accounts.models import Membership

    Membership.objects.filter(user=base_admin).update(organisation=rec.organisation)
    assignment = services.assign_expert(recommendation=rec, expert=role_users[Role.EXPERT])
    pages = {
        reverse("selection:unit_detail", args=[rec.pk]): {Role.BASE_ADMIN: 200, Role.CITY_STAFF: 404},
        reverse("selection:expert_assignment", args=[assignment.pk]): {Role.EXPERT: 200},
        reverse("selection:manage_settings", args=[campaign.year]): {Role.ASSOCIATION_ADMIN: 200},
    }
    for url, allowed in pages.items():
        client.logout()
        assert client.get(url).status_code == 302
        for role in ALL_ROLES:
            client.force_login(role_users[role])
            assert client.get(url).status_code == allowed.get(role, 403), (role, url)
