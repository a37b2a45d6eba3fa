"""The professional's plan: per-category gaps with pending hours, and courses that fill them."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from courses.models import Category, Course, Mode
from credits import selectors
from credits.models import HourRecord, Requirement, YearPolicy
from credits.selectors.plan import closest_fit, hours_gaps, plan_for
from tests.courses.factories import GuideFactory
from tests.factories import OrganisationFactory
from tests.queries import expect_queries

from .factories import CourseFactory, TopicFactory, YearPolicyFactory, approved_record, professional_of

pytestmark = pytest.mark.django_db


class _C:
    """A course stand-in for the pure arithmetic of `closest_fit`."""

    def __init__(self, pk, hours, title=""):
        self.pk, self.hours, self.title = pk, D(hours), title or f"c{pk}"


def pending_record(person, *, hours, category, **fields):
    """A line waiting for the employer (pending lines leave the year's summary as it is)."""
    return HourRecord.objects.create(
        professional=person,
        year=2022,
        completed_on=datetime.date(2022, 6, 1),
        category=category,
        hours=D(hours),
        recorded_by=OrganisationFactory(national_base=True),
        status=HourRecord.Status.PENDING,
        **{"source": HourRecord.Source.OFFLINE, **fields},
    )


def _hours(courses):
    return sorted(c.hours for c in courses)


def test_closest_fit_prefers_one_exact_course_to_six_short_ones():
    courses = [_C(i, "1") for i in range(6)] + [_C(10, "12"), _C(11, "6"), _C(12, "6"), _C(13, "30")]
    assert _hours(closest_fit(courses=courses, target=D("12"))) == [D("12")]


def test_closest_fit_takes_the_smallest_total_that_covers_the_gap():
    courses = [_C(1, "5"), _C(2, "5"), _C(3, "3"), _C(4, "20")]
    assert _hours(closest_fit(courses=courses, target=D("12"))) == [D("3"), D("5"), D("5")]


def test_closest_fit_handles_tenths():
    courses = [_C(1, "0.5"), _C(2, "1.5"), _C(3, "2.5")]
    assert _hours(closest_fit(courses=courses, target=D("2"))) == [D("0.5"), D("1.5")]


def test_closest_fit_returns_everything_when_the_catalogue_is_short_and_nothing_for_no_gap():
    courses = [_C(1, "1"), _C(2, "2")]
    assert _hours(closest_fit(courses=courses, target=D("12"))) == [D("1"), D("2")]
    assert closest_fit(courses=courses, target=D("0")) == []


def test_public_gap_is_not_hidden_by_surplus_professional_hours(policy, employer):
    """公需课 18/30, 专业课 64/60: the total lacks 8, but 12 public hours are missing."""
    person = professional_of(employer)
    approved_record(person, hours="18", category=Category.PUBLIC)
    approved_record(person, hours="64", category=Category.PROFESSIONAL)
    compliance = selectors.compliance_for(user=person, year=2022)
    gaps = hours_gaps(compliance=compliance, records=list(selectors.records_for(user=person, year=2022)))
    assert compliance.missing.total == D("8")
    assert gaps.public.missing == D("12") and gaps.professional.missing == D("0")
    assert gaps.missing == D("12")


def test_pending_self_reports_count_as_pending_and_shrink_what_to_plan(policy, employer):
    person = professional_of(employer)
    approved_record(person, hours="18", category=Category.PUBLIC)
    pending_record(person, hours="4", category=Category.PUBLIC, source=HourRecord.Source.SELF_REPORTED)
    compliance = selectors.compliance_for(user=person, year=2022)
    gaps = hours_gaps(compliance=compliance, records=list(selectors.records_for(user=person, year=2022)))
    assert gaps.public.pending == D("4")
    assert gaps.public.missing == D("12") and gaps.public.to_plan == D("8")
    assert gaps.professional.missing == D("60") and gaps.professional.pending == D("0")


def _plan(person, year=2022):
    compliance = selectors.compliance_for(user=person, year=year)
    records = list(selectors.records_for(user=person, year=year))
    return plan_for(
        user=person,
        year=year,
        gaps=hours_gaps(compliance=compliance, records=records),
        records=records,
        requirement_lines=selectors.requirement_lines(user=person, year=year),
    )


def test_nothing_missing_means_no_plan(policy, employer):
    person = professional_of(employer)
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    assert _plan(person) is None


def test_public_courses_of_the_year_fill_the_gap_skipping_those_already_taken(policy, employer):
    person = professional_of(employer)
    approved_record(person, hours="18", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    taken = CourseFactory(hours=D("12"))
    pending_record(person, hours="1", category=Category.PUBLIC, course=taken)
    CourseFactory(hours=D("12"), year_from=2023, year_to=2024)  # not offered in 2022
    CourseFactory(hours=D("12"), status=Course.Status.DRAFT)
    for _ in range(6):
        CourseFactory(hours=D("2"))
    eleven = CourseFactory(hours=D("11"))
    plan = _plan(person)
    assert plan.public.target == D("11")
    assert [c.pk for c in plan.public.courses] == [eleven.pk]
    assert plan.public.enough and plan.professional.courses == []


def test_catalogue_too_small_says_how_much_is_left(policy, employer):
    person = professional_of(employer)
    CourseFactory(hours=D("6"))
    plan = _plan(person)
    assert plan.public.target == D("30") and plan.public.hours == D("6")
    assert not plan.public.enough and plan.public.short == D("24")


def test_professional_courses_and_guide_come_from_the_person_s_sector(policy, employer):
    person = professional_of(employer)
    health = OrganisationFactory(department=True, name="卫健委测试")
    other = OrganisationFactory(department=True, name="住建厅测试")
    requirement = Requirement.objects.create(
        organisation=health, year=2022, kind=Requirement.Kind.TOPIC_HOURS, topic=TopicFactory(), min_hours=D("6")
    )
    requirement.employers.add(employer)
    guide = GuideFactory(department=health, year=2022, status="published", published_at=timezone.now())
    GuideFactory(department=health, year=2021, status="published", published_at=timezone.now())
    GuideFactory(department=other, year=2022, status="published", published_at=timezone.now())
    ours = [CourseFactory(category=Category.PROFESSIONAL, topic=None, sector=health, hours=D("30")) for _ in range(2)]
    CourseFactory(category=Category.PROFESSIONAL, topic=None, sector=other, hours=D("60"))
    CourseFactory(
        category=Category.PROFESSIONAL,
        topic=None,
        sector=health,
        hours=D("60"),
        mode=Mode.OFFLINE,
        year_from=2021,
        year_to=2022,
        end_date="2022-01-31",
    )
    plan = _plan(person)
    assert [s.pk for s in plan.sectors] == [health.pk]
    assert [g.pk for g in plan.guides] == [guide.pk]
    assert sorted(c.pk for c in plan.professional.courses) == sorted(c.pk for c in ours)
    assert [line.requirement.pk for line in plan.requirements] == [requirement.pk]


def test_without_a_known_sector_no_professional_courses_are_guessed(policy, employer):
    person = professional_of(employer)
    CourseFactory(
        category=Category.PROFESSIONAL, topic=None, sector=OrganisationFactory(department=True), hours=D("60")
    )
    plan = _plan(person)
    assert plan.sectors == [] and plan.professional.courses == [] and not plan.professional.enough


def test_sector_is_also_learnt_from_professional_courses_studied(policy, employer):
    person = professional_of(employer)
    water = OrganisationFactory(department=True, name="水利厅测试")
    studied = CourseFactory(category=Category.PROFESSIONAL, topic=None, sector=water, hours=D("6"))
    approved_record(person, hours="6", category=Category.PROFESSIONAL, course=studied, year=2022)
    plan = _plan(person)
    assert [s.pk for s in plan.sectors] == [water.pk]


@pytest.mark.parametrize("n", [1, 15])
def test_plan_reads_three_queries_whatever_the_catalogue(policy, employer, n):
    person = professional_of(employer)
    health = OrganisationFactory(department=True)
    Requirement.objects.create(
        organisation=health, year=2022, kind=Requirement.Kind.TOPIC_HOURS, topic=TopicFactory(), min_hours=D("6")
    ).employers.add(employer)
    for i in range(n):
        CourseFactory(hours=D(str(1 + i % 4)))
        CourseFactory(category=Category.PROFESSIONAL, topic=None, sector=health, hours=D(str(2 + i % 3)))
    compliance = selectors.compliance_for(user=person, year=2022)
    records = list(selectors.records_for(user=person, year=2022))
    gaps = hours_gaps(compliance=compliance, records=records)
    # Expect 3 queries: the person's sectors, their published guides of the year, the candidate courses.
    with expect_queries("accounts_organisation", "courses_studyguide", "courses_course"):
        plan = plan_for(user=person, year=2022, gaps=gaps, records=records, requirement_lines=[])
    assert plan.public.courses and plan.professional.courses


def test_a_total_above_both_minimums_is_planned_as_professional_hours(employer):
    """A policy of 100 with 30/60 minimums: 10 more hours of either category, never counting the
    pending hours already covering a category's own shortfall twice."""
    YearPolicyFactory(year=2022)
    YearPolicy.objects.filter(year=2022).update(min_total=D("100.0"))
    person = professional_of(employer)
    approved_record(person, hours="26", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    pending_record(person, hours="4", category=Category.PUBLIC)
    compliance = selectors.compliance_for(user=person, year=2022)
    gaps = hours_gaps(compliance=compliance, records=list(selectors.records_for(user=person, year=2022)))
    assert gaps.public.missing == D("4") and gaps.public.to_plan == D("0") and gaps.extra == D("10")
    assert gaps.missing == D("14")
    plan = _plan(person)
    assert plan.public.target == D("0") and plan.professional.target == D("10")
