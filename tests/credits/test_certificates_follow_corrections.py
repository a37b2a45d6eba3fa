"""Certificates follow corrections (issue 21, point 5): a certificate keeps the figures it certified;
any later change to that person's year supersedes it in the same transaction, and the public
verification page then says “已更正，此证明已失效” with the date, never the old figures as valid."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HourRecord, HoursCertificate
from credits.services.ledger import rebuild_summaries
from portal.formats import cn_date
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, YearPolicyFactory, approved_record, post, professional_of
from .test_pages import pending_record
from .test_rights import platform_row

D = Decimal


@pytest.fixture
def jinan_staff(db):
    return user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))


def compliant(person, *, year=2022, recorded_by=None):
    """30 public + 60 professional approved hours in `year`; answers the public record (a bureau may reverse it)."""
    public = approved_record(person, hours="30", category=Category.PUBLIC, year=year, recorded_by=recorded_by)
    approved_record(person, hours="60", category=Category.PROFESSIONAL, year=year, recorded_by=recorded_by)
    return public


def issue(client, person, year=2022) -> HoursCertificate:
    """The person issues a certificate on the certificate page (a POST), as on the site."""
    client.force_login(person)
    assert client.post(reverse("credits:certificate", args=[year])).status_code == 302
    return person.hour_certificates.filter(year=year).order_by("-issued_at", "-id").first()


def verify(client, cert) -> tuple[int, str]:
    client.logout()
    response = client.get(reverse("credits:verify_code", args=[cert.code]))
    return response.status_code, response.content.decode()


def test_a_reversal_by_the_city_bureau_supersedes_the_earlier_certificate(client, employer, jinan_staff, policy):
    person = professional_of(employer)
    public = compliant(person)
    extra = approved_record(person, hours="4", category=Category.PUBLIC)
    old = issue(client, person)
    assert (old.public_hours, old.total_hours) == (D("34.0"), D("94.0"))
    client.force_login(jinan_staff)
    client.post(reverse("credits:reverse", args=[extra.pk]), {"reason": "抽查：无签到记录"})
    old.refresh_from_db()
    assert old.superseded_at is not None
    status, body = verify(client, old)
    assert status == 200
    assert "已更正，此证明已失效" in body and "证明有效" not in body
    assert cn_date(old.superseded_at) in body and cn_date(timezone.now()) in body
    # What the paper said is shown only as superseded (struck through, labelled 已失效).
    assert "<s>94</s>" in body and "<dd>94</dd>" not in body
    # The certificate keeps the figures it certified.
    assert HoursCertificate.objects.get(pk=old.pk).total_hours == D("94.0")
    assert public.pk  # the rest of the year stands: still compliant (30 + 60)

    new = issue(client, person)
    assert new.pk != old.pk and new.total_hours == D("90.0") and new.superseded_at is None
    status, body = verify(client, new)
    assert status == 200 and "证明有效" in body and "<dd>90</dd>" in body and "已失效" not in body
    status, body = verify(client, old)
    assert "已更正，此证明已失效" in body


def test_the_certificate_page_offers_a_new_certificate_after_the_correction(client, employer, jinan_staff, policy):
    person = professional_of(employer)
    compliant(person)
    extra = approved_record(person, hours="4", category=Category.PUBLIC)
    old = issue(client, person)
    services.reverse_record(record_id=extra.pk, actor=jinan_staff, reason="重复登记")
    client.force_login(person)
    body = client.get(reverse("credits:certificate", args=[2022])).content.decode()
    assert old.code not in body and "开具学时证明" in body
    assert person.hour_certificates.count() == 1  # opening the page issued nothing


def test_a_change_back_to_the_same_figures_still_needs_a_new_certificate(client, employer, jinan_staff, policy):
    """Superseded is final: a later record that restores the figures does not revive the old code."""
    person = professional_of(employer)
    compliant(person)
    extra = approved_record(person, hours="4", category=Category.PUBLIC)
    old = issue(client, person)
    services.reverse_record(record_id=extra.pk, actor=jinan_staff, reason="重复登记")
    approved_record(person, hours="4", category=Category.PUBLIC)
    assert services.issue_certificate(user=person, year=2022).pk != old.pk
    assert "已更正，此证明已失效" in verify(client, old)[1]


def test_unrelated_people_and_other_years_keep_their_certificates(client, employer, jinan_staff, policy):
    YearPolicyFactory(year=2023)
    person, colleague = professional_of(employer), professional_of(employer)
    compliant(person)
    compliant(person, year=2023)
    compliant(colleague)
    extra = approved_record(person, hours="4", category=Category.PUBLIC)
    person_2022, person_2023, colleague_2022 = (
        issue(client, person),
        issue(client, person, 2023),
        issue(client, colleague),
    )
    services.reverse_record(record_id=extra.pk, actor=jinan_staff, reason="重复登记")
    assert HoursCertificate.objects.get(pk=person_2022.pk).superseded_at is not None
    for cert in (person_2023, colleague_2022):
        cert.refresh_from_db()
        assert cert.superseded_at is None
        status, body = verify(client, cert)
        assert status == 200 and "证明有效" in body and "已失效" not in body


def test_a_new_approved_record_supersedes_and_a_certificate_issued_after_it_is_valid(client, employer, policy):
    person = professional_of(employer)
    compliant(person)
    old = issue(client, person)
    approved_record(person, hours="2", category=Category.PROFESSIONAL)
    assert HoursCertificate.objects.get(pk=old.pk).superseded_at is not None
    new = issue(client, person)
    assert new.total_hours == D("92.0") and new.superseded_at is None
    assert "证明有效" in verify(client, new)[1]


def test_an_employer_approval_of_a_self_report_supersedes(client, employer, policy):
    person = professional_of(employer)
    compliant(person)
    old = issue(client, person)
    record = pending_record(person)
    assert HoursCertificate.objects.get(pk=old.pk).superseded_at is None  # pending: the year has not changed
    services.approve_record(record_id=record.pk, actor=user_with_role(Role.EMPLOYER_ADMIN, employer))
    assert HoursCertificate.objects.get(pk=old.pk).superseded_at is not None


def test_a_platform_bulk_supersedes_exactly_the_people_and_years_it_changes(client, employer, policy):
    """The bulk intake's summary upsert (one statement on PostgreSQL) marks the certificates too."""
    YearPolicyFactory(year=2023)
    base = OrganisationFactory(national_base=True)
    course = CourseFactory(provider=base, hours=D("2.0"))
    people = [professional_of(employer) for _ in range(3)]
    for person in people:
        compliant(person)
        compliant(person, year=2023)
    certs = {(p.pk, year): issue(client, p, year) for p in people for year in (2022, 2023)}
    client.force_login(user_with_role(Role.BASE_ADMIN, base))
    rows = [platform_row(p, course, f"B{i}") for i, p in enumerate(people[:2])]
    assert post(client, reverse("api-hour-records-bulk"), rows).status_code == 201
    superseded = {key for key, cert in certs.items() if HoursCertificate.objects.get(pk=cert.pk).superseded_at}
    assert superseded == {(people[0].pk, 2022), (people[1].pk, 2022)}


def test_rebuilding_the_summaries_after_a_bulk_load_supersedes_and_freezes(client, employer, policy):
    """A load that bypassed the services (bulk_create, COPY) is followed by rebuild_summaries, which does
    set-based what each write does: certificates of changed years superseded, credited courses frozen."""
    person, colleague = professional_of(employer), professional_of(employer)
    compliant(person)
    compliant(colleague)
    changed, kept = issue(client, person), issue(client, colleague)
    base = OrganisationFactory(national_base=True)
    course = CourseFactory(provider=base, hours=D("5.0"))
    HourRecord.objects.bulk_create(
        [
            HourRecord(
                professional=person,
                year=2022,
                completed_on=datetime.date(2022, 6, 1),
                category=Category.PUBLIC,
                hours=D("5.0"),
                source=HourRecord.Source.PLATFORM,
                course=course,
                recorded_by=base,
                status=HourRecord.Status.APPROVED,
            )
        ]
    )
    assert HoursCertificate.objects.get(pk=changed.pk).superseded_at is None
    rebuild_summaries(year=2022)
    assert HoursCertificate.objects.get(pk=changed.pk).superseded_at is not None
    assert HoursCertificate.objects.get(pk=kept.pk).superseded_at is None
    course.refresh_from_db()
    assert course.frozen_at is not None


def test_verifying_never_writes(client, employer, jinan_staff, policy):
    person = professional_of(employer)
    compliant(person)
    extra = approved_record(person, hours="4", category=Category.PUBLIC)
    cert = issue(client, person)
    services.reverse_record(record_id=extra.pk, actor=jinan_staff, reason="重复登记")
    client.logout()
    before = HoursCertificate.objects.get(pk=cert.pk).superseded_at
    url = reverse("credits:verify_code", args=[cert.code])
    # Expect 1 query: the certificate by its code (anonymous: no session, nothing written).
    with expect_queries("credits_hourscertificate"):
        assert client.get(url).status_code == 200
    assert HoursCertificate.objects.get(pk=cert.pk).superseded_at == before


@pytest.mark.postgres
def test_the_supersede_is_in_the_summary_statement_on_postgresql(client, employer, policy):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: the summaries' upsert carries the supersede")
    person = professional_of(employer)
    compliant(person)
    old = issue(client, person)
    approved_record(person, hours="2", category=Category.PROFESSIONAL)
    assert HoursCertificate.objects.get(pk=old.pk).superseded_at is not None
