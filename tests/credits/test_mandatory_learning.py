"""Mandatory learning (issue 21, ledger): with a binding requirement every place answers the same
compliance (`selectors.compliance_with` / `compliance_condition`): the compliance API, its
`?compliant=` filter, the roster, the reports and `me/hours`; a topic requirement counts the
courses of that topic by name across years; a department binds only its own sector's employers."""

import random
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.demo import DemoContext
from accounts.models import Role
from courses.models import Category, Course, Topic
from credits import selectors, services
from credits.models import HourRecord, Requirement
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, TopicFactory, approved_record, professional_of


@pytest.fixture
def health(db, employer):
    health = OrganisationFactory(department=True, name="卫健委测试", sector="health")
    employer.sector = "health"
    employer.save()
    return health


@pytest.fixture
def binding(policy):
    policy.mandatory_binding = True
    policy.save()
    return policy


def topic_named(year, name):
    """The year's topic of that name (the 2022 topics are seeded by a migration)."""
    return Topic.objects.filter(year=year, name=name).first() or TopicFactory(year=year, name=name)


def topic_requirement(health, employer, topic, hours="6"):
    return services.set_requirement(
        actor=user_with_role(Role.DEPARTMENT_STAFF, health),
        organisation=health,
        year=2022,
        kind=Requirement.Kind.TOPIC_HOURS,
        topic=topic,
        min_hours=hours,
        employers=[employer],
    )


def full_hours(person, **public):
    approved_record(person, hours="30", category=Category.PUBLIC, **public)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)


def test_with_a_binding_requirement_the_api_the_filter_the_roster_and_me_hours_agree(client, binding, health, employer):
    topic = topic_named(2022, "医养健康")
    topic_requirement(health, employer, topic)
    short = professional_of(employer, name="未学专题")
    full_hours(short)  # 90/30/60, but no 医养健康 hours
    done = professional_of(employer, name="已学专题")
    full_hours(done, course=CourseFactory(topic=topic, hours=D("30.0")))
    admin = user_with_role(Role.EMPLOYER_ADMIN, employer)
    client.force_login(admin)
    url = reverse("api-organisation-compliance", args=[employer.pk])
    rows = {r["name"]: r["compliant"] for r in client.get(url, {"year": 2022}).json()["results"]}
    assert rows == {"未学专题": False, "已学专题": True}
    only = client.get(url, {"year": 2022, "compliant": "true"}).json()["results"]
    assert [r["name"] for r in only] == ["已学专题"]
    roster = client.get(reverse("credits:roster"), {"year": 2022}).context["page"]
    assert {m.user.name: (m.compliant, m.figures.compliant) for m in roster} == {
        "未学专题": (False, False),
        "已学专题": (True, True),
    }
    assert selectors.roster_summary(organisation=employer.pk, year=2022).compliant == 1
    client.force_login(short)
    assert client.get(reverse("api-me-hours"), {"year": 2022}).json()["compliant"] is False
    client.force_login(done)
    assert client.get(reverse("api-me-hours"), {"year": 2022}).json()["compliant"] is True


def test_not_binding_the_requirement_is_information_only_everywhere(client, policy, health, employer):
    topic_requirement(health, employer, topic_named(2022, "医养健康"))
    person = professional_of(employer, name="未学专题")
    full_hours(person)
    client.force_login(user_with_role(Role.EMPLOYER_ADMIN, employer))
    [row] = client.get(reverse("api-organisation-compliance", args=[employer.pk]), {"year": 2022}).json()["results"]
    assert row["compliant"] is True
    assert selectors.compliance_for(user=person, year=2022).compliant


def test_a_topic_requirement_counts_the_topic_by_name_across_years(binding, health, employer):
    # The requirement names 2022's 医养健康; the course was made under 2021's topic of that name.
    this_year = topic_named(2022, "医养健康")
    last_year = topic_named(2021, "医养健康")
    other = topic_named(2021, "人文素养")
    topic_requirement(health, employer, this_year)
    person = professional_of(employer)
    full_hours(person, course=CourseFactory(topic=last_year, hours=D("30.0")))
    [line] = selectors.requirement_lines(user=person, year=2022)
    assert line.met and line.done == D("30.0")
    assert selectors.compliance_for(user=person, year=2022).compliant
    someone = professional_of(employer)
    full_hours(someone, course=CourseFactory(topic=other, hours=D("30.0")))
    assert not selectors.compliance_for(user=someone, year=2022).compliant


def test_a_department_binds_only_its_own_sectors_employers(client, health, policy, employer, other_employer):
    staff = user_with_role(Role.DEPARTMENT_STAFF, health)
    topic = topic_named(2022, "医养健康")
    with pytest.raises(ValidationError) as info:
        topic_requirement(health, other_employer, topic)
    assert "不属于本行业" in info.value.message_dict["employers"][0] and other_employer.name in str(info.value)
    assert not Requirement.objects.exists()
    client.force_login(staff)
    form = client.get(reverse("credits:requirements")).context["form"]
    assert list(form.fields["employers"].queryset) == [employer]
    data = {"year": 2022, "kind": "topic_hours", "topic": topic.pk, "min_hours": "6", "employers": [other_employer.pk]}
    response = client.post(reverse("credits:requirements"), data)
    assert response.status_code == 200 and not Requirement.objects.exists()
    response = client.post(reverse("credits:requirements"), {**data, "employers": [employer.pk]})
    assert response.status_code == 302 and Requirement.objects.get().employers.get() == employer


def test_another_department_cannot_bind_the_sector(health, policy, employer):
    other = OrganisationFactory(department=True, name="住建厅测试", sector="housing")
    with pytest.raises(ValidationError):
        services.set_requirement(
            actor=user_with_role(Role.DEPARTMENT_STAFF, other),
            organisation=other,
            year=2022,
            kind=Requirement.Kind.TOPIC_HOURS,
            topic=TopicFactory(year=2022),
            min_hours="6",
            employers=[employer],
        )


@pytest.mark.parametrize("n", [1, 4])
def test_compliance_api_query_count_with_a_binding_requirement(client, binding, health, employer, n):
    topic_requirement(health, employer, topic_named(2022, "医养健康"))
    for _ in range(n):
        full_hours(professional_of(employer))
    client.force_login(user_with_role(Role.EMPLOYER_ADMIN, employer))
    # Expect 10 queries: the session, the user, the employer (visibility), the user's roles, the
    # policy, the requirements binding the employer, the policy again (the roster's), the
    # department requirement's employers (its scope in `compliance_condition`), the page count and
    # the page of rows (each requirement an annotation of the same query).
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_organisation",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_requirement",
        "credits_yearpolicy",
        "accounts_organisation",
        "accounts_membership",
        "credits_hourrecord",
    ):
        response = client.get(reverse("api-organisation-compliance", args=[employer.pk]), {"year": 2022})
    assert len(response.json()["results"]) == n and not any(r["compliant"] for r in response.json()["results"])


class _Quiet:
    def write(self, message):
        pass


@pytest.mark.django_db
def test_the_demo_topic_requirement_can_be_met_by_the_2026_catalogue():
    from accounts import demo as accounts_demo
    from courses import demo as courses_demo
    from credits import demo as credits_demo

    ctx = DemoContext(rng=random.Random(2022), out=_Quiet())
    for module in (accounts_demo, courses_demo, credits_demo):
        module.seed(ctx)
    demo = ctx.users["professional"]
    [line] = selectors.requirement_lines(user=demo, year=2026)
    offered = Course.objects.published().offered_in(2026).filter(topic__name=line.requirement.topic.name)
    others = list(offered.exclude(topic=line.requirement.topic).order_by("-hours", "id"))
    assert others  # the 2026 catalogue carries the topic row of an earlier year
    # Each course is credited its own hours (no more: the ledger checks them against the course),
    # as many courses as the requirement needs.
    credited = []
    while sum(c.hours for c in credited) < line.requirement.min_hours:
        course = others[len(credited)]
        approved_record(demo, hours=str(course.hours), year=2026, course=course, recorded_by=course.provider)
        credited.append(course)
    [line] = selectors.requirement_lines(user=demo, year=2026)
    assert line.met
    assert HourRecord.objects.filter(professional=demo, year=2026, course__in=credited).count() == len(credited)
