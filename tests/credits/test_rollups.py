"""Per-employer and per-city yearly rollups (issue 15, point 2): every path that changes a summary,
a pending record, a person's employer, a requirement or the policy keeps them equal to a
recomputation from scratch over every membership; the reports and the roster counts read them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership, Role
from accounts.services import grant_role, revoke_role
from courses.frozen import CourseFrozenError
from courses.models import Category, Course
from credits import selectors, services
from credits.management.commands.rebuild_rollups import differences
from credits.models import CityYearRollup, EmployerYearRollup, HourRecord, Requirement, StaffYearStatus, YearPolicy
from credits.services.rollups import rebuild_rollups
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, TopicFactory, YearPolicyFactory, approved_record, professional_of, proof_file

D = Decimal
DAY = datetime.date(2022, 5, 10)


def assert_current(year=2022):
    """The stored rollups equal a recomputation over every membership, and a rebuild changes nothing."""
    assert differences(year) == []
    before = _snapshot(year)
    rebuild_rollups(year=year)
    assert _snapshot(year) == before


def _snapshot(year):
    def rows(model, key):
        return {
            getattr(r, key): tuple(getattr(r, n) for n in model.COUNTS)
            for r in model.objects.filter(year=year)
            if r.staff
        }

    return rows(EmployerYearRollup, "organisation_id"), rows(CityYearRollup, "city")


def city_row(city="jinan", year=2022):
    return next(r for r in selectors.compliance_by_city(year=year) if r.key == city)


def employer_row(employer, year=2022):
    return next(r for r in selectors.compliance_by_employer(city=employer.city, year=year) if r.key == str(employer.pk))


@pytest.fixture
def base(db):
    return OrganisationFactory(national_base=True)


@pytest.fixture
def boss(employer):
    return user_with_role(Role.EMPLOYER_ADMIN, employer)


def compliant_hours(person, **fields):
    approved_record(person, hours="30", category=Category.PUBLIC, **fields)
    approved_record(person, hours="60", category=Category.PROFESSIONAL, **fields)


def test_staff_and_compliance_follow_approved_hours(policy, employer):
    people = [professional_of(employer) for _ in range(3)]
    assert (employer_row(employer).staff, employer_row(employer).compliant) == (3, 0)
    compliant_hours(people[0])
    approved_record(people[1], hours="30", category=Category.PUBLIC)
    row = employer_row(employer)
    assert (row.staff, row.compliant, row.public_short, row.professional_short) == (3, 1, 1, 2)
    assert (city_row().staff, city_row().compliant) == (3, 1)
    assert_current()


def test_self_report_pending_approval_and_return(policy, employer, boss):
    person = professional_of(employer)
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="50", category=Category.PROFESSIONAL)
    first, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="论文",
        completed_on=DAY,
        category=Category.PROFESSIONAL,
        hours="10",
    )
    second, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="讲座",
        completed_on=DAY,
        category=Category.PUBLIC,
        hours="2",
    )
    summary = selectors.roster_summary(organisation=employer, year=2022)
    assert (summary.staff, summary.compliant, summary.pending) == (1, 0, 1)
    services.approve_record(record_id=first.pk, actor=boss)
    summary = selectors.roster_summary(organisation=employer.pk, year=2022)
    assert (summary.compliant, summary.not_compliant, summary.pending) == (1, 0, 1)
    assert_current()
    services.reject_record(record_id=second.pk, actor=boss, reason="证明不清晰")
    assert selectors.roster_summary(organisation=employer, year=2022).pending == 0
    assert_current()


def test_a_city_correction_takes_the_person_out_of_the_compliant(policy, employer):
    person = professional_of(employer)
    compliant_hours(person)
    assert city_row().compliant == 1
    city_staff = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    record = HourRecord.objects.filter(professional=person, category=Category.PROFESSIONAL).get()
    services.reverse_record(record_id=record.pk, actor=city_staff, reason="抽查：无培训记录")
    assert (city_row().compliant, city_row().professional_short) == (0, 1)
    assert_current()


def test_bulk_intake_and_teaching_credit(policy, employer, base):
    admin = user_with_role(Role.BASE_ADMIN, base)
    course = CourseFactory(provider=base, hours=D("30.0"), category=Category.PUBLIC)
    people = [professional_of(employer) for _ in range(5)]
    rows = [
        {
            "id_number": p.id_number,
            "year": 2022,
            "category": "public",
            "hours": "30.0",
            "course": course.pk,
            "completed_on": "2022-05-10",
            "external_ref": f"R{n}",
        }
        for n, p in enumerate(people)
    ]
    services.record_platform_hours(organisation=base, actor=admin, rows=rows)
    assert employer_row(employer).public_short == 0
    # A bad batch changes nothing, rollups included.
    with pytest.raises(ValidationError):
        services.record_platform_hours(organisation=base, actor=admin, rows=[{**rows[0], "external_ref": "X"}, {}])
    services.credit_teaching(
        teacher_user=people[0],
        course=CourseFactory(provider=base, hours=D("30.0")),
        year=2022,
        recorded_by=base,
        external_ref="sel-1",
    )
    approved_record(people[0], hours="60", category=Category.PROFESSIONAL)
    assert employer_row(employer).compliant == 1
    assert_current()


def test_a_person_changing_employer_moves_between_employers_and_cities(policy, employer):
    qingdao = OrganisationFactory(city="qingdao")
    person = professional_of(employer)
    compliant_hours(person)
    grant_role(user=person, organisation=qingdao, role=Role.PROFESSIONAL)
    assert (employer_row(employer).staff, employer_row(qingdao).staff, employer_row(qingdao).compliant) == (0, 1, 1)
    assert (city_row("jinan").staff, city_row("qingdao").compliant) == (0, 1)
    assert_current()
    revoke_role(membership=Membership.objects.get(user=person, organisation=qingdao))
    assert city_row("qingdao").staff == 0
    assert_current()
    grant_role(user=person, organisation=employer, role=Role.PROFESSIONAL)
    assert employer_row(employer).compliant == 1
    assert_current()


def test_a_deleted_membership_and_a_deleted_person_leave_the_rollups(policy, employer):
    kept, leaving, deleted = (professional_of(employer) for _ in range(3))
    compliant_hours(kept)
    Membership.objects.get(user=leaving, role=Role.PROFESSIONAL).delete()
    deleted.delete()
    assert (employer_row(employer).staff, employer_row(employer).compliant) == (1, 1)
    assert_current()


def test_requirements_that_bind_move_people_when_set_and_removed(policy, employer, other_employer):
    policy.mandatory_binding = True
    policy.save()
    bureau = OrganisationFactory(city_bureau=True, city="jinan")
    bureau_staff = user_with_role(Role.CITY_STAFF, bureau)
    course = CourseFactory(title="安全生产")
    done, missing = professional_of(employer), professional_of(employer)
    for person in (done, missing):
        compliant_hours(person)
    approved_record(done, hours="6", course=course, source=HourRecord.Source.PLATFORM)
    assert employer_row(employer).compliant == 2
    requirement = services.set_requirement(
        actor=bureau_staff, organisation=bureau, year=2022, kind=Requirement.Kind.COURSE, course_id=course.pk
    )
    assert employer_row(employer).compliant == 1
    assert_current()
    approved_record(missing, hours="6", course=course, source=HourRecord.Source.PLATFORM)
    assert employer_row(employer).compliant == 2
    assert_current()
    services.remove_requirement(actor=bureau_staff, requirement=requirement)
    assert_current()


def test_an_employer_moving_to_another_city_takes_its_staff_along(policy, employer):
    """An employer's city corrected in the admin: its staff leave the old city's rollup for the
    new one in the same transaction (no `rebuild_rollups` needed)."""
    done, short = professional_of(employer), professional_of(employer)
    compliant_hours(done)
    approved_record(short, hours="30", category=Category.PUBLIC)
    assert (city_row("jinan").staff, city_row("jinan").compliant) == (2, 1)
    employer.city = "qingdao"
    employer.save()
    assert city_row("jinan").staff == 0
    row = city_row("qingdao")
    assert (row.staff, row.compliant, row.professional_short) == (2, 1, 1)
    assert_current()
    employer.name = "改名不改市"
    employer.save()  # no city change: nothing to move
    assert_current()


def test_a_credited_course_cannot_move_to_another_topic_so_its_hours_keep_counting(policy, employer):
    """A binding topic requirement counts the hours of that topic's courses. A course whose hours were
    credited is frozen in its topic (issue 21): the move is refused and the rollups stay."""
    policy.mandatory_binding = True
    policy.save()
    bureau = OrganisationFactory(city_bureau=True, city="jinan")
    topic, other = TopicFactory(), TopicFactory()
    course = CourseFactory(topic=topic)
    person = professional_of(employer)
    compliant_hours(person)
    approved_record(person, hours="6", course=course, source=HourRecord.Source.PLATFORM)
    services.set_requirement(
        actor=user_with_role(Role.CITY_STAFF, bureau),
        organisation=bureau,
        year=2022,
        kind=Requirement.Kind.TOPIC_HOURS,
        topic=topic,
        min_hours=D("6"),
    )
    assert employer_row(employer).compliant == 1
    stored = Course.objects.get(pk=course.pk)
    stored.topic = other
    with pytest.raises(CourseFrozenError):
        stored.save()
    assert Course.objects.get(pk=course.pk).topic_id == topic.pk
    assert employer_row(employer).compliant == 1
    assert_current()


def test_policy_changes_and_a_new_year_rebuild_the_year(policy, employer):
    person = professional_of(employer)
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="40", category=Category.PROFESSIONAL)
    assert employer_row(employer).compliant == 0
    policy.min_professional, policy.min_total = D("40.0"), D("70.0")
    policy.save()
    assert employer_row(employer).compliant == 1
    assert_current()
    YearPolicyFactory(year=2023)
    assert employer_row(employer, 2023).staff == 1 and employer_row(employer, 2023).compliant == 0
    assert_current(2023)
    YearPolicy.objects.filter(year=2023).delete()
    assert not StaffYearStatus.objects.filter(year=2023).exists()
    assert not EmployerYearRollup.objects.filter(year=2023).exists()


def test_reports_read_a_few_rows_whatever_the_staff(policy, employer):
    for _ in range(5):
        compliant_hours(professional_of(employer))
    with expect_queries("credits_yearpolicy", "credits_cityyearrollup"):  # the policy, the city rollups
        selectors.compliance_by_city(year=2022)
    with expect_queries(
        "credits_yearpolicy", "credits_employeryearrollup", "accounts_organisation"
    ):  # the policy, the employers, their rollups
        selectors.compliance_by_employer(city="jinan", year=2022)
    with expect_queries("credits_yearpolicy", "credits_employeryearrollup"):
        selectors.roster_summary(organisation=employer, year=2022)


def test_roster_summary_agrees_with_the_roster(policy, employer):
    people = [professional_of(employer) for _ in range(4)]
    compliant_hours(people[0])
    summary = selectors.roster_summary(organisation=employer, year=2022)
    assert summary.staff == selectors.roster(organisation_id=employer.pk, year=2022).count()
    assert summary.compliant == selectors.roster(organisation_id=employer.pk, year=2022, compliant=True).count()
    assert summary.non_compliant == 3 and summary.rate == D("0.25")
    assert selectors.roster_summary(organisation=OrganisationFactory(), year=2022).rate is None
    with pytest.raises(selectors.NoPolicyError):
        selectors.roster_summary(organisation=employer, year=1999)


def test_the_rebuild_command_restores_rollups_and_check_reports_drift(policy, employer, capsys):
    person = professional_of(employer)
    compliant_hours(person)
    EmployerYearRollup.objects.update(compliant=0)
    with pytest.raises(Exception, match="不一致"):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")
    assert "一致" in capsys.readouterr().out
    assert employer_row(employer).compliant == 1


OPS = st.lists(
    st.tuples(
        st.sampled_from(["hours", "self", "approve", "reject", "reverse", "move", "leave", "policy", "bulk"]),
        st.integers(0, 2),
        st.sampled_from([D("10.0"), D("30.0"), D("60.0")]),
    ),
    max_size=10,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=OPS)
@pytest.mark.django_db
def test_rollups_always_equal_a_recomputation(policy, employer, other_employer, ops):
    with transaction.atomic():
        boss = user_with_role(Role.EMPLOYER_ADMIN, employer)
        other_boss = user_with_role(Role.EMPLOYER_ADMIN, other_employer)
        city = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
        base = OrganisationFactory(national_base=True)
        admin = user_with_role(Role.BASE_ADMIN, base)
        course = CourseFactory(provider=base, hours=D("10.0"), category=Category.PROFESSIONAL, topic=None)
        people = [professional_of(employer) for _ in range(3)]
        for n, (op, who, hours) in enumerate(ops):
            person = people[who]
            try:
                if op == "hours":
                    approved_record(person, hours=hours, category=Category.PUBLIC if n % 2 else Category.PROFESSIONAL)
                elif op == "self":
                    services.self_report_hours(
                        proof=proof_file(),
                        professional=person,
                        year=2022,
                        title="t",
                        completed_on=DAY,
                        category="public",
                        hours=hours,
                    )
                elif op in ("approve", "reject"):
                    pending = HourRecord.objects.pending().filter(professional=person).first()
                    here = Membership.objects.active().filter(user=person, organisation=employer).exists()
                    actor = boss if here else other_boss
                    if pending and op == "approve":
                        services.approve_record(record_id=pending.pk, actor=actor)
                    elif pending:
                        services.reject_record(record_id=pending.pk, actor=actor, reason="no")
                elif op == "reverse":
                    target = HourRecord.objects.approved().filter(professional=person, reversal__isnull=True)
                    target = target.exclude(source=HourRecord.Source.CORRECTION).first()
                    if target:
                        services.reverse_record(record_id=target.pk, actor=city, reason="audit")
                elif op == "move":
                    grant_role(user=person, organisation=other_employer, role=Role.PROFESSIONAL)
                elif op == "leave":
                    membership = Membership.objects.active().filter(user=person, role=Role.PROFESSIONAL).first()
                    if membership:
                        revoke_role(membership=membership)
                elif op == "policy":
                    policy.min_public = hours
                    policy.save()
                elif op == "bulk":
                    rows = [
                        {
                            "id_number": p.id_number,
                            "year": 2022,
                            "category": "professional",
                            "hours": "10.0",
                            "course": course.pk,
                            "completed_on": "2022-05-10",
                            "external_ref": f"B{n}-{p.pk}",
                        }
                        for p in people
                    ]
                    services.record_platform_hours(organisation=base, actor=admin, rows=rows)
            except ValidationError:
                pass
            assert differences(2022) == [], (n, op)
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_the_year_policy_is_cached_and_forgotten_on_save():
    from django.core.cache import cache

    cache.clear()
    policy = YearPolicyFactory(year=2031)
    selectors.policy_for(year=2031)
    selectors.years_with_policy()
    with expect_queries():
        assert selectors.policy_for(year=2031).min_total == D("90.0")
        assert 2031 in selectors.years_with_policy()
    policy.min_total = D("100.0")
    policy.save()
    assert selectors.policy_for(year=2031).min_total == D("100.0")
    policy.delete()
    with pytest.raises(selectors.NoPolicyError):
        selectors.policy_for(year=2031)
    assert 2031 not in selectors.years_with_policy()


def test_a_policy_read_inside_a_transaction_is_not_cached(policy):
    from django.core.cache import cache

    selectors.policy_for(year=2022)
    assert cache.get("credits:year-policy:2022") is None


def test_a_policy_change_that_moves_nobody_rebuilds_nothing(policy, employer):
    professional_of(employer)
    status_ids = list(StaffYearStatus.objects.values_list("id", flat=True))
    policy.notes = "说明更新"
    policy.save()
    assert list(StaffYearStatus.objects.values_list("id", flat=True)) == status_ids
    policy.min_public = D("20.0")
    policy.save()
    assert list(StaffYearStatus.objects.values_list("id", flat=True)) != status_ids
    assert_current()
