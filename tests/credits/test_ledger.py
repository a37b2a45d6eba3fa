"""The append-only ledger and the summary that must always equal it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AuditEvent, Role
from courses.models import Category
from credits import services
from credits.models import HourRecord, HoursCertificate, ImmutableRecordError, YearSummary
from credits.selectors import compliance_for, ledger_sum
from tests.factories import OrganisationFactory, user_with_role

from .factories import ConversionRuleFactory, CourseFactory, approved_record, professional_of, proof_file

D = Decimal
DAY = datetime.date(2022, 5, 10)


def platform_row(person, course, ref, **over):
    row = {
        "id_number": person.id_number,
        "year": 2022,
        "category": course.category,
        "hours": str(course.hours),
        "course": course.pk,
        "completed_on": "2022-05-10",
        "external_ref": ref,
    }
    row.update(over)
    return row


@pytest.fixture
def base_admin(base):
    return user_with_role(Role.BASE_ADMIN, base)


@pytest.fixture
def course(policy, base):
    return CourseFactory(provider=base, hours=D("6.0"))


@pytest.fixture
def person(employer):
    return professional_of(employer)


@pytest.fixture
def employer_admin(employer):
    return user_with_role(Role.EMPLOYER_ADMIN, employer)


def summary_of(person, year=2022):
    s = YearSummary.objects.filter(professional=person, year=year).first()
    return (s.public_hours, s.professional_hours) if s else (D(0), D(0))


def test_platform_completion_for_own_course_is_approved_and_counted(person, course, base, base_admin):
    [(record, created)] = services.record_platform_hours(
        organisation=base, actor=base_admin, rows=[platform_row(person, course, "A1")]
    )
    assert created and record.status == HourRecord.Status.APPROVED
    assert summary_of(person) == (D("6.0"), D(0))


def test_same_external_ref_twice_never_doubles_hours(person, course, base, base_admin):
    services.record_platform_hours(organisation=base, actor=base_admin, rows=[platform_row(person, course, "A1")])
    [(_again, created)] = services.record_platform_hours(
        organisation=base, actor=base_admin, rows=[platform_row(person, course, "A1")]
    )
    assert not created
    assert HourRecord.objects.count() == 1
    assert summary_of(person) == (D("6.0"), D(0))


def test_platform_cannot_record_hours_for_a_course_not_its_own(person, policy, base, base_admin):
    foreign = CourseFactory()
    with pytest.raises(services.BulkRejected) as info:
        services.record_platform_hours(organisation=base, actor=base_admin, rows=[platform_row(person, foreign, "X")])
    assert "course" in info.value.row_errors[0].errors
    assert HourRecord.objects.count() == 0


@pytest.mark.parametrize("bad", ["0", "-1", "1.25", "abc", "NaN"])
def test_bad_hours_are_refused(person, course, base, base_admin, bad):
    with pytest.raises(services.BulkRejected) as info:
        services.record_platform_hours(
            organisation=base, actor=base_admin, rows=[platform_row(person, course, "H", hours=bad)]
        )
    assert "hours" in info.value.row_errors[0].errors
    assert HourRecord.objects.count() == 0


def test_unknown_or_malformed_id_number_is_refused(person, course, base, base_admin):
    rows = [
        platform_row(person, course, "B1", id_number="370102197001011234"),
        platform_row(person, course, "B2", id_number="123"),
    ]
    with pytest.raises(services.BulkRejected) as info:
        services.record_platform_hours(organisation=base, actor=base_admin, rows=rows)
    assert [e.index for e in info.value.row_errors] == [0, 1]
    assert "身份证号" in info.value.row_errors[0].errors["id_number"]
    assert HourRecord.objects.count() == 0


def test_year_without_policy_is_refused(person, course, base, base_admin):
    with pytest.raises(services.BulkRejected) as info:
        services.record_platform_hours(
            organisation=base, actor=base_admin, rows=[platform_row(person, course, "Y", year=1999)]
        )
    assert "1999年度的学时要求尚未" in info.value.row_errors[0].errors["year"]
    assert HourRecord.objects.count() == 0


def test_bulk_is_all_or_nothing_and_lists_every_bad_row(person, course, base, base_admin):
    rows = [platform_row(person, course, f"R{i}") for i in range(5)]
    rows[1]["hours"] = "0"
    rows[3]["category"] = "other"
    with pytest.raises(services.BulkRejected) as info:
        services.record_platform_hours(organisation=base, actor=base_admin, rows=rows)
    assert [e.index for e in info.value.row_errors] == [1, 3]
    assert HourRecord.objects.count() == 0
    assert summary_of(person) == (D(0), D(0))


def test_bulk_of_10001_rows_is_refused(person, course, base, base_admin):
    rows = [platform_row(person, course, f"R{i}") for i in range(10_001)]
    with pytest.raises(services.BulkRejected):
        services.record_platform_hours(organisation=base, actor=base_admin, rows=rows)
    assert HourRecord.objects.count() == 0


def test_self_report_with_conversion_rule_is_pending_until_employer_approves(person, employer, employer_admin, policy):
    rule = ConversionRuleFactory(
        policy=policy, hours_per_unit=D("10.0"), max_units=D("2.0"), category=Category.PROFESSIONAL
    )
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="论文",
        completed_on=DAY,
        conversion_rule=rule,
        quantity=D("2"),
    )
    assert record.status == HourRecord.Status.PENDING and record.hours == D("20.0")
    assert record.recorded_by == employer
    assert summary_of(person) == (D(0), D(0))
    services.approve_record(record_id=record.pk, actor=employer_admin)
    assert summary_of(person) == (D(0), D("20.0"))
    assert AuditEvent.objects.filter(type=AuditEvent.Type.RECORD_DECIDED).count() == 1


def test_approving_twice_counts_once(person, employer_admin, policy):
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="x",
        completed_on=DAY,
        category=Category.PUBLIC,
        hours="3",
    )
    services.approve_record(record_id=record.pk, actor=employer_admin)
    with pytest.raises(ValidationError):
        services.approve_record(record_id=record.pk, actor=employer_admin)
    assert summary_of(person) == (D("3.0"), D(0))


def test_employer_cannot_approve_hours_of_someone_not_on_its_staff(person, policy, other_employer):
    stranger_admin = user_with_role(Role.EMPLOYER_ADMIN, other_employer)
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="x",
        completed_on=DAY,
        category=Category.PUBLIC,
        hours="3",
    )
    with pytest.raises(ValidationError):
        services.approve_record(record_id=record.pk, actor=stranger_admin)
    record.refresh_from_db()
    assert record.status == HourRecord.Status.PENDING


def test_a_pending_self_report_follows_its_owner_to_the_new_employer(
    person, employer, employer_admin, policy, other_employer
):
    from accounts.services import grant_role

    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="x",
        completed_on=DAY,
        category=Category.PUBLIC,
        hours="3",
    )
    grant_role(user=person, organisation=other_employer, role=Role.PROFESSIONAL)
    with pytest.raises(ValidationError) as info:
        services.approve_record(record_id=record.pk, actor=employer_admin)
    assert info.value.code == "not_found"  # the old employer no longer decides it
    new_admin = user_with_role(Role.EMPLOYER_ADMIN, other_employer)
    services.approve_record(record_id=record.pk, actor=new_admin)
    assert summary_of(person) == (D("3.0"), D(0))


def test_reject_needs_a_reason_and_counts_nothing(person, employer_admin, policy):
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="x",
        completed_on=DAY,
        category=Category.PUBLIC,
        hours="3",
    )
    with pytest.raises(ValidationError):
        services.reject_record(record_id=record.pk, actor=employer_admin, reason=" ")
    services.reject_record(record_id=record.pk, actor=employer_admin, reason="证明不清晰")
    record.refresh_from_db()
    assert record.status == HourRecord.Status.REJECTED and record.reason == "证明不清晰"
    assert summary_of(person) == (D(0), D(0))


def test_city_audit_reverses_with_a_linked_negative_correction(person, policy):
    city_staff = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    record = approved_record(person, hours="12", category=Category.PROFESSIONAL)
    correction = services.reverse_record(record_id=record.pk, actor=city_staff, reason="抽查：无培训记录")
    assert correction.hours == D("-12.0") and correction.reverses == record
    assert correction.status == HourRecord.Status.APPROVED
    assert summary_of(person) == (D(0), D(0))
    with pytest.raises(ValidationError):
        services.reverse_record(record_id=record.pk, actor=city_staff, reason="again")
    assert HourRecord.objects.filter(professional=person).count() == 2


def test_city_staff_of_another_city_cannot_reverse(person, policy):
    other_city = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="qingdao"))
    record = approved_record(person, hours="12")
    with pytest.raises(ValidationError):
        services.reverse_record(record_id=record.pk, actor=other_city, reason="x")
    assert not HourRecord.objects.filter(reverses=record).exists()


def test_approved_record_cannot_be_edited_or_deleted(person, policy):
    record = approved_record(person, hours="5")
    record.hours = D("50")
    with pytest.raises(ImmutableRecordError):
        record.save()
    with pytest.raises(ImmutableRecordError):
        HourRecord.objects.get(pk=record.pk).delete()
    with pytest.raises(ImmutableRecordError):
        HourRecord.objects.filter(pk=record.pk).delete()
    assert HourRecord.objects.get(pk=record.pk).hours == D("5.0")


def test_teaching_credit_is_twice_the_course_hours_in_the_policy_category(person, policy, base):
    course = CourseFactory(provider=base, hours=D("4.5"))
    association = OrganisationFactory(association=True)
    record = services.credit_teaching(
        teacher_user=person, course=course, year=2022, recorded_by=association, external_ref="sel-1"
    )
    assert record.hours == D("9.0") and record.category == policy.teaching_credit_category
    assert record.source == HourRecord.Source.TEACHING and record.status == HourRecord.Status.APPROVED
    again = services.credit_teaching(
        teacher_user=person, course=course, year=2022, recorded_by=association, external_ref="sel-1"
    )
    assert again.pk == record.pk
    assert summary_of(person) == (D("9.0"), D(0))


def test_certificate_only_when_compliant_and_codes_are_unguessable(person, policy):
    approved_record(person, hours="30", category=Category.PUBLIC)
    with pytest.raises(ValidationError):
        services.issue_certificate(user=person, year=2022)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    cert = services.issue_certificate(user=person, year=2022)
    assert cert.total_hours == D("90.0") and len(cert.code) == 16
    assert person.id_number not in cert.masked_id_number
    assert cert.masked_id_number == person.masked_id_number
    assert services.issue_certificate(user=person, year=2022).pk == cert.pk
    other = professional_of(person.memberships.first().organisation)
    approved_record(other, hours="30", category=Category.PUBLIC)
    approved_record(other, hours="60", category=Category.PROFESSIONAL)
    assert services.issue_certificate(user=other, year=2022).code != cert.code
    assert HoursCertificate.objects.count() == 2


operations = st.lists(
    st.tuples(
        st.sampled_from(["platform", "self", "approve", "reject", "reverse", "duplicate", "bad_bulk", "teaching"]),
        st.integers(min_value=0, max_value=2),
        st.decimals(min_value=D("0.1"), max_value=D("40"), places=1),
        st.sampled_from([2022, 2023]),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_summary_always_equals_the_ledger(policy, employer, ops):
    from .factories import YearPolicyFactory

    with transaction.atomic():
        YearPolicyFactory(year=2023)
        base = OrganisationFactory(national_base=True)
        admin = user_with_role(Role.BASE_ADMIN, base)
        boss = user_with_role(Role.EMPLOYER_ADMIN, employer)
        city = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
        people = [professional_of(employer) for _ in range(3)]
        course = CourseFactory(provider=base, hours=D("40.0"), category=Category.PROFESSIONAL, topic=None)
        refs = []
        for n, (op, who, hours, year) in enumerate(ops):
            person = people[who]
            day = datetime.date(year, 3, 1)
            try:
                if op == "platform":
                    row = platform_row(person, course, f"P{n}", hours=str(hours), year=year, completed_on=str(day))
                    services.record_platform_hours(organisation=base, actor=admin, rows=[row])
                    refs.append(row)
                elif op == "duplicate" and refs:
                    services.record_platform_hours(organisation=base, actor=admin, rows=[refs[-1]])
                elif op == "self":
                    services.self_report_hours(
                        proof=proof_file(),
                        professional=person,
                        year=year,
                        title="t",
                        completed_on=day,
                        category="public",
                        hours=hours,
                    )
                elif op in ("approve", "reject"):
                    pending = HourRecord.objects.pending().filter(professional=person).first()
                    if pending and op == "approve":
                        services.approve_record(record_id=pending.pk, actor=boss)
                    elif pending:
                        services.reject_record(record_id=pending.pk, actor=boss, reason="no")
                elif op == "reverse":
                    target = HourRecord.objects.approved().filter(professional=person, reversal__isnull=True)
                    target = target.exclude(source=HourRecord.Source.CORRECTION).first()
                    if target:
                        services.reverse_record(record_id=target.pk, actor=city, reason="audit")
                elif op == "bad_bulk":
                    rows = [platform_row(person, course, f"B{n}", hours=str(hours)), {"id_number": "bad"}]
                    services.record_platform_hours(organisation=base, actor=admin, rows=rows)
                elif op == "teaching":
                    services.credit_teaching(
                        teacher_user=person, course=course, year=year, recorded_by=base, external_ref=f"T{who}{year}"
                    )
            except ValidationError:
                pass
        for person in people:
            for year in (2022, 2023):
                truth = ledger_sum(user=person, year=year)
                assert summary_of(person, year) == (truth["public"], truth["professional"])
                result = compliance_for(user=person, year=year)
                assert result.total == truth["public"] + truth["professional"]
        transaction.set_rollback(True)


def test_teaching_credit_multiplier_and_category_come_from_the_year_policy(person, base):
    from .factories import YearPolicyFactory

    YearPolicyFactory(year=2023, teaching_credit_multiplier=D("1.5"), teaching_credit_category=Category.PROFESSIONAL)
    course = CourseFactory(provider=base, hours=D("3.3"))
    record = services.credit_teaching(
        teacher_user=person, course=course, year=2023, recorded_by=base, external_ref="sel-2023"
    )
    assert record.hours == D("5.0") and record.category == Category.PROFESSIONAL
    assert summary_of(person, 2023) == (D(0), D("5.0"))


def test_teaching_credit_for_a_year_without_policy_is_refused(person, base, policy):
    from credits.selectors import NoPolicyError

    with pytest.raises(NoPolicyError):
        services.credit_teaching(
            teacher_user=person, course=CourseFactory(provider=base), year=1999, recorded_by=base, external_ref="x"
        )
    assert not HourRecord.objects.exists()


def test_employer_admin_cannot_approve_their_own_self_report(employer, policy):
    admin_and_staff = professional_of(employer)
    from accounts.services import grant_role

    grant_role(user=admin_and_staff, organisation=employer, role=Role.EMPLOYER_ADMIN)
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=admin_and_staff,
        year=2022,
        title="x",
        completed_on=DAY,
        category=Category.PUBLIC,
        hours="3",
    )
    with pytest.raises(ValidationError) as info:
        services.approve_record(record_id=record.pk, actor=admin_and_staff)
    assert info.value.code == "own_record"


def test_platform_record_for_a_year_the_course_is_not_offered_is_refused(person, base, base_admin, policy):
    from .factories import YearPolicyFactory

    YearPolicyFactory(year=2025)
    course = CourseFactory(provider=base, year_from=2021, year_to=2023)
    row = platform_row(person, course, "Y2025", year=2025, completed_on="2025-03-01")
    with pytest.raises(services.BulkRejected) as info:
        services.record_platform_hours(organisation=base, actor=base_admin, rows=[row])
    assert "course" in info.value.row_errors[0].errors


def test_bulk_for_thousands_of_different_people_updates_every_summary(base, base_admin, course, employer):
    from accounts.models import Membership, User
    from tests.factories import valid_id_number

    User.objects.bulk_create([User(username=f"bulk{i}", id_number=valid_id_number(50_000 + i)) for i in range(3000)])
    users = list(User.objects.filter(username__startswith="bulk").order_by("id"))
    Membership.objects.bulk_create([Membership(user=u, organisation=employer, role=Role.PROFESSIONAL) for u in users])
    rows = [platform_row(u, course, f"M{i}", hours="1.5") for i, u in enumerate(users)]
    results = services.record_platform_hours(organisation=base, actor=base_admin, rows=rows)
    assert sum(1 for _r, created in results if created) == 3000
    assert YearSummary.objects.filter(year=2022, public_hours=D("1.5")).count() == 3000
