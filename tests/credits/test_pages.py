"""HTML pages: access per role, scoping, query counts, the flows behind the buttons."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HourRecord, HoursCertificate, YearPolicy, YearSummary
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, approved_record, professional_of

D = Decimal
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# page -> roles that may open it
PAGES = {
    "credits:my_hours": {Role.PROFESSIONAL, Role.EXPERT},
    "credits:self_report": {Role.PROFESSIONAL, Role.EXPERT},
    "credits:roster": {Role.EMPLOYER_ADMIN},
    # City and provincial staff decide the pending records of people who no longer have an employer.
    "credits:queue": {Role.EMPLOYER_ADMIN, Role.CITY_STAFF, Role.PROVINCE_STAFF},
    "credits:requirements": {Role.CITY_STAFF, Role.DEPARTMENT_STAFF},
    "credits:city_report": {Role.CITY_STAFF, Role.PROVINCE_STAFF},
    "credits:audit": {Role.CITY_STAFF, Role.PROVINCE_STAFF},  # the province corrects any record
    "credits:province_report": {Role.PROVINCE_STAFF},
    "credits:policies": {Role.PROVINCE_STAFF},
    "credits:policy_new": {Role.PROVINCE_STAFF},
    "credits:import": {Role.CITY_STAFF, Role.BASE_ADMIN},
    "credits:import_template": {Role.CITY_STAFF, Role.BASE_ADMIN},
    "credits:roster_export": {Role.EMPLOYER_ADMIN},
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access_per_role(client, role_users, policy, name):
    url = reverse(name) + "?year=2022" + ("&city=jinan" if name == "credits:city_report" else "")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for role, user in role_users.items():
        client.force_login(user)
        expected = 200 if role in PAGES[name] else 403
        if role == Role.EXPERT and name in ("credits:my_hours", "credits:self_report"):
            expected = 403  # the expert fixture user holds no professional role
        assert client.get(url).status_code == expected, (name, role)


def test_professional_start_page_shows_bars_missing_and_gap_courses(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="12", category=Category.PUBLIC)
    CourseFactory(title="黄河流域生态保护专题课")
    client.force_login(person)
    body = client.get(reverse("credits:my_hours"), {"year": 2022}).content.decode()
    assert 'role="progressbar"' in body and "12 / 30" in body
    assert "18" in body  # missing public hours
    assert "黄河流域生态保护专题课" in body


def test_my_hours_for_a_year_without_policy_says_so(client, role_users, policy):
    client.force_login(role_users[Role.PROFESSIONAL])
    body = client.get(reverse("credits:my_hours"), {"year": 1999}).content.decode()
    assert "1999年度的学时要求尚未" in body


def test_self_report_with_proof_goes_pending_to_employer(client, role_users, employer, policy):
    client.force_login(role_users[Role.PROFESSIONAL])
    data = {
        "category": "professional",
        "hours": "8",
        "title": "省级学术会议",
        "completed_on": "2022-06-01",
        "proof": SimpleUploadedFile("proof.png", PNG, content_type="image/png"),
    }
    response = client.post(reverse("credits:self_report") + "?year=2022", data)
    assert response.status_code == 302
    record = HourRecord.objects.get()
    assert record.status == HourRecord.Status.PENDING and record.recorded_by == employer and record.proof


def test_self_report_refuses_an_executable_renamed_pdf(client, role_users, policy):
    client.force_login(role_users[Role.PROFESSIONAL])
    data = {
        "category": "public",
        "hours": "2",
        "title": "x",
        "completed_on": "2022-06-01",
        "proof": SimpleUploadedFile("proof.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf"),
    }
    response = client.post(reverse("credits:self_report") + "?year=2022", data)
    assert response.status_code == 200
    assert "文件内容不是有效的" in response.content.decode()
    assert not HourRecord.objects.exists()


def test_self_report_refuses_an_oversized_proof(client, role_users, policy, settings):
    settings.CREDITS_PROOF_MAX_BYTES = 1024
    client.force_login(role_users[Role.PROFESSIONAL])
    data = {
        "category": "public",
        "hours": "2",
        "title": "x",
        "completed_on": "2022-06-01",
        "proof": SimpleUploadedFile("proof.png", PNG + b"\x00" * 2048, content_type="image/png"),
    }
    response = client.post(reverse("credits:self_report") + "?year=2022", data)
    assert response.status_code == 200 and "proof" in response.context["form"].errors
    assert not HourRecord.objects.exists()


@pytest.mark.parametrize(
    ("bad", "message"), [("0", "学时必须大于 0"), ("-2", "学时必须大于 0"), ("1.25", "小数不超过 1 位")]
)
def test_self_report_refuses_bad_hours_with_a_chinese_message(client, role_users, policy, bad, message):
    client.force_login(role_users[Role.PROFESSIONAL])
    data = {
        "category": "public",
        "hours": bad,
        "title": "x",
        "completed_on": "2022-06-01",
        "proof": SimpleUploadedFile("proof.png", PNG, content_type="image/png"),
    }
    response = client.post(reverse("credits:self_report") + "?year=2022", data)
    errors = response.context["form"].errors["hours"]
    assert response.status_code == 200 and len(errors) == 1 and message in errors[0], errors
    assert not HourRecord.objects.exists()


def pending_record(person, hours="4"):
    import datetime

    record, _ = services.self_report_hours(
        professional=person,
        year=2022,
        title="会议",
        completed_on=datetime.date(2022, 5, 1),
        category=Category.PUBLIC,
        hours=hours,
        proof=SimpleUploadedFile("p.png", PNG),
    )
    return record


def test_employer_approves_from_the_queue_and_the_summary_follows(client, role_users, policy):
    record = pending_record(role_users[Role.PROFESSIONAL])
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    assert "会议" in client.get(reverse("credits:queue")).content.decode()
    client.post(reverse("credits:decide", args=[record.pk]), {"action": "approve", "confirm": "1"})
    record.refresh_from_db()
    assert record.status == HourRecord.Status.APPROVED
    assert YearSummary.objects.get(professional=record.professional).public_hours == D("4.0")


def test_employer_cannot_decide_or_download_another_employers_records(client, role_users, other_employer, policy):
    record = pending_record(professional_of(other_employer))
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    assert (
        client.post(reverse("credits:decide", args=[record.pk]), {"action": "approve", "confirm": "1"}).status_code
        == 404
    )
    assert client.get(reverse("credits:proof", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.status == HourRecord.Status.PENDING


def test_proof_is_served_as_attachment_to_the_employer(client, role_users, policy):
    record = pending_record(role_users[Role.PROFESSIONAL])
    assert client.get(reverse("credits:proof", args=[record.pk])).status_code == 302
    client.force_login(role_users[Role.PROFESSIONAL])
    assert client.get(reverse("credits:proof", args=[record.pk])).status_code == 200
    client.force_login(role_users[Role.BASE_ADMIN])
    assert client.get(reverse("credits:proof", args=[record.pk])).status_code == 404
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    response = client.get(reverse("credits:proof", args=[record.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_roster_lists_only_own_staff_with_masked_ids(client, role_users, other_employer, policy):
    stranger = professional_of(other_employer, name="外单位人员")
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    body = client.get(reverse("credits:roster"), {"year": 2022}).content.decode()
    person = role_users[Role.PROFESSIONAL]
    assert person.display_name in body and person.id_number not in body
    assert stranger.display_name not in body


def test_roster_filters_by_compliance_and_missing_category(client, role_users, employer, policy):
    ok = professional_of(employer, name="达标者")
    approved_record(ok, hours="30", category=Category.PUBLIC)
    approved_record(ok, hours="60", category=Category.PROFESSIONAL)
    short_public = professional_of(employer, name="缺公需")
    approved_record(short_public, hours="60", category=Category.PROFESSIONAL)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    body = client.get(reverse("credits:roster"), {"year": 2022, "compliant": "1"}).content.decode()
    assert "达标者" in body and "缺公需" not in body
    body = client.get(reverse("credits:roster"), {"year": 2022, "missing": "public"}).content.decode()
    assert "缺公需" in body and "达标者" not in body


def test_roster_filters_by_department_and_missing_professional(client, role_users, employer, policy):
    nurse = professional_of(employer, name="护理部人员")
    nurse.memberships.update(department="护理部")
    approved_record(nurse, hours="30", category=Category.PUBLIC)
    surgeon = professional_of(employer, name="外科人员")
    surgeon.memberships.update(department="外科")
    approved_record(surgeon, hours="60", category=Category.PROFESSIONAL)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    body = client.get(reverse("credits:roster"), {"year": 2022, "department": "护理部"}).content.decode()
    assert "护理部人员" in body and "外科人员" not in body
    assert role_users[Role.PROFESSIONAL].display_name not in body
    body = client.get(reverse("credits:roster"), {"year": 2022, "missing": "professional"}).content.decode()
    assert "护理部人员" in body and "外科人员" not in body
    export = client.get(reverse("credits:roster_export"), {"year": 2022, "department": "外科"})
    names = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert "外科人员" in names and "护理部人员" not in names


def test_roster_search_by_name_or_last_four_of_the_id_number(client, role_users, employer, policy):
    wang = professional_of(employer, name="王晓明")
    li = professional_of(employer, name="李建国")
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    body = client.get(reverse("credits:roster"), {"year": 2022, "q": "晓明"}).content.decode()
    assert "王晓明" in body and "李建国" not in body
    body = client.get(reverse("credits:roster"), {"year": 2022, "q": li.id_number[-4:]}).content.decode()
    assert "李建国" in body and wang.display_name not in body


def test_roster_export_is_xlsx_with_masked_ids(client, role_users, policy):
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    response = client.get(reverse("credits:roster_export"), {"year": 2022})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert role_users[Role.PROFESSIONAL].id_number not in values
    assert role_users[Role.PROFESSIONAL].masked_id_number in values


@pytest.mark.parametrize("n", [1, 30])
def test_roster_query_count_is_constant(client, role_users, employer, policy, n):
    for _ in range(n - 1):
        approved_record(professional_of(employer), hours="5")
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "credits_requirement",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_employeryearrollup",
        "accounts_membership",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_hourrecord",
    ):
        assert client.get(reverse("credits:roster"), {"year": 2022}).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_queue_query_count_is_constant(client, role_users, employer, policy, n):
    for _ in range(n):
        pending_record(professional_of(employer))
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "credits_hourrecord", "credits_hourrecord"
    ):
        assert client.get(reverse("credits:queue")).status_code == 200


@pytest.fixture
def jinan_staff(db):
    return user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))


@pytest.mark.parametrize("n", [1, 8])
def test_city_report_query_count_is_constant_and_shows_own_city(client, jinan_staff, policy, n):
    for i in range(n):
        professional_of(OrganisationFactory(name=f"济南单位{i}", city="jinan"))
    OrganisationFactory(name="青岛某单位", city="qingdao")
    client.force_login(jinan_staff)
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_employeryearrollup",
        "accounts_organisation",
        "credits_requirement",
        "credits_yearpolicy",
    ):
        body = client.get(reverse("credits:city_report"), {"year": 2022}).content.decode()
    assert "济南单位0" in body and "青岛某单位" not in body and "<svg" in body


@pytest.mark.parametrize("n", [1, 8])
def test_province_report_query_count_is_constant(client, role_users, policy, n):
    for i in range(n):
        approved_record(professional_of(OrganisationFactory(city="qingdao")), hours=str(10 + i))
    client.force_login(role_users[Role.PROVINCE_STAFF])
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_cityyearrollup",
        "credits_requirement",
        "credits_yearpolicy",
    ):
        body = client.get(reverse("credits:province_report"), {"year": 2022}).content.decode()
    assert "青岛市" in body and "<svg" in body


def test_reports_export_xlsx(client, role_users, jinan_staff, policy):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    response = client.get(reverse("credits:province_report"), {"year": 2022, "format": "xlsx"})
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 17  # header + 16 cities
    client.force_login(jinan_staff)
    response = client.get(reverse("credits:city_report"), {"year": 2022, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("n", [1, 10])
def test_audit_list_query_count_is_constant(client, jinan_staff, employer, policy, n):
    for _ in range(n):
        approved_record(professional_of(employer), hours="3")
    client.force_login(jinan_staff)
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "credits_hourrecord", "credits_hourrecord"
    ):
        assert client.get(reverse("credits:audit"), {"year": 2022}).status_code == 200


def test_city_audit_reversal_is_visible_to_the_professional(client, role_users, jinan_staff, policy):
    person = role_users[Role.PROFESSIONAL]
    record = approved_record(person, hours="6", title="可疑培训")
    client.force_login(jinan_staff)
    client.post(reverse("credits:reverse", args=[record.pk]), {"reason": "抽查无签到记录"})
    assert YearSummary.objects.get(professional=person).public_hours == D("0.0")
    client.force_login(person)
    body = client.get(reverse("credits:my_hours"), {"year": 2022}).content.decode()
    assert "抽查无签到记录" in body and "已被冲正" in body


@pytest.mark.parametrize(
    ("url_name", "allowed", "data"),
    [
        ("credits:decide", Role.EMPLOYER_ADMIN, {"action": "reject"}),
        ("credits:reverse", Role.CITY_STAFF, {"reason": ""}),
    ],
)
def test_decision_posts_per_role(client, role_users, policy, url_name, allowed, data):
    record = pending_record(role_users[Role.PROFESSIONAL]) if url_name == "credits:decide" else None
    record = record or approved_record(role_users[Role.PROFESSIONAL], hours="5")
    url = reverse(url_name, args=[record.pk])
    assert client.post(url, data).status_code == 302 and "/login" in client.post(url, data)["Location"]
    assert client.get(url).status_code == 405
    for role, user in role_users.items():
        client.force_login(user)
        expected = 302 if role == allowed else 403
        if url_name == "credits:reverse" and role == Role.PROVINCE_STAFF:
            expected = 302  # the province corrects too (a missing reason: back to the list with a message)
        if url_name == "credits:decide" and role == allowed:
            expected = 200  # a return without a reason: the page again, with the error
        if url_name == "credits:decide" and role in (Role.CITY_STAFF, Role.PROVINCE_STAFF):
            expected = 404  # bureaus decide only people without an employer; this one has one
        assert client.post(url, data).status_code == expected, role
    status = HourRecord.objects.get(pk=record.pk).status
    assert status == record.status and HourRecord.objects.count() == 1


def test_city_staff_cannot_reverse_records_of_another_city(client, policy, other_employer):
    qingdao_record = approved_record(professional_of(other_employer), hours="6")
    client.force_login(user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")))
    assert client.post(reverse("credits:reverse", args=[qingdao_record.pk]), {"reason": "x"}).status_code == 404


def test_certificate_only_for_compliant_year_and_public_verification(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    url = reverse("credits:certificate", args=[2022])
    client.force_login(person)
    assert client.get(url).status_code == 302
    assert client.post(url).status_code == 302
    assert not person.hour_certificates.exists()
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    body = client.get(url).content.decode()
    cert = person.hour_certificates.get()
    assert cert.code in body and person.id_number not in body
    client.logout()
    page = client.get(reverse("credits:verify_code", args=[cert.code]))
    assert page.status_code == 200 and "<dd>90</dd>" in page.content.decode()
    assert person.id_number not in page.content.decode()
    forged = client.get(reverse("credits:verify_code", args=["AAAAAAAAAAAAAAAA"]))
    assert forged.status_code == 404 and "<dd>90</dd>" not in forged.content.decode()
    assert client.get(reverse("credits:verify"), {"code": cert.code}).status_code == 200


def test_opening_the_certificate_page_never_issues_a_certificate(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    client.force_login(person)
    url = reverse("credits:certificate", args=[2022])
    my_hours = client.get(reverse("credits:my_hours"), {"year": 2022}).content.decode()
    assert f'method="post" action="{url}"' in my_hours and "开具学时证明" in my_hours
    response = client.get(url)
    assert response.status_code == 200 and "开具学时证明" in response.content.decode()
    assert not person.hour_certificates.exists()
    client.post(url)
    client.post(url)
    cert = person.hour_certificates.get()
    for _ in range(2):
        assert cert.code in client.get(url).content.decode()
    assert person.hour_certificates.count() == 1


def test_certificate_after_a_change_of_figures_is_issued_again_only_by_post(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    client.force_login(person)
    url = reverse("credits:certificate", args=[2022])
    client.post(url)
    first = person.hour_certificates.get()
    approved_record(person, hours="4", category=Category.PUBLIC)
    body = client.get(url).content.decode()
    assert first.code not in body and "开具学时证明" in body
    assert person.hour_certificates.count() == 1
    client.post(url)
    second = person.hour_certificates.exclude(pk=first.pk).get()
    assert second.total_hours == D("94.0") and second.code in client.get(url).content.decode()


def test_certificate_shows_the_id_number_masked_like_every_list(client, role_users, policy):
    from accounts.validators import mask_id_number

    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    client.force_login(person)
    url = reverse("credits:certificate", args=[2022])
    client.post(url)
    cert = person.hour_certificates.get()
    masked = mask_id_number(person.id_number)
    assert cert.masked_id_number == masked == person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    assert masked in client.get(url).content.decode()
    client.logout()
    assert masked in client.get(reverse("credits:verify_code", args=[cert.code])).content.decode()


def test_province_staff_edit_policy_and_conversion_rules(client, role_users, policy):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    data = {
        "year": 2031,
        "min_total": "90",
        "min_public": "30",
        "min_professional": "60",
        "teaching_credit_multiplier": "2",
        "teaching_credit_category": "public",
        "notes": "",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-name": "发表论文",
        "rules-0-unit": "篇",
        "rules-0-hours_per_unit": "10",
        "rules-0-category": "professional",
        "rules-0-order": "1",
        "rules-1-order": "0",  # what the browser posts for the untouched extra row
    }
    assert client.post(reverse("credits:policy_new"), data).status_code == 302
    assert YearPolicy.objects.get(year=2031).conversion_rules.get().hours_per_unit == D("10.0")
    data["min_total"] = "80"  # less than 30 + 60
    data["year"] = 2032
    assert client.post(reverse("credits:policy_new"), data).status_code == 200
    assert not YearPolicy.objects.filter(year=2032).exists()


def test_policy_with_negative_minimums_or_rates_gets_chinese_errors_and_is_not_saved(client, role_users, policy):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    data = {
        "year": 2033,
        "min_total": "90",
        "min_public": "-5",
        "min_professional": "60",
        "teaching_credit_multiplier": "0",
        "teaching_credit_category": "public",
        "notes": "",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-name": "发表论文",
        "rules-0-unit": "篇",
        "rules-0-hours_per_unit": "-1",
        "rules-0-category": "professional",
        "rules-0-order": "1",
    }
    response = client.post(reverse("credits:policy_new"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "学时下限不能为负数" in body and "授课教师学时倍数必须大于0" in body and "每单位学时必须大于0" in body
    assert "policy_minimums_non_negative" not in body
    assert not YearPolicy.objects.filter(year=2033).exists()


@pytest.mark.parametrize("n", [1, 10])
def test_policies_list_query_count_is_constant(client, role_users, db, n):
    from .factories import ConversionRuleFactory, YearPolicyFactory

    YearPolicy.objects.all().delete()
    for i in range(n):
        ConversionRuleFactory(policy=YearPolicyFactory(year=2040 + i))
    client.force_login(role_users[Role.PROVINCE_STAFF])
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "credits_yearpolicy", "credits_conversionrule"
    ):
        body = client.get(reverse("credits:policies")).content.decode()
    assert body.count(reverse("credits:policy_edit", args=[2040])) == 1 and "发表论文" in body


def test_policy_edit_page_of_a_year_is_for_province_staff_only(client, role_users, policy):
    url = reverse("credits:policy_edit", args=[2022])
    assert client.get(url).status_code == 302
    for role, user in role_users.items():
        client.force_login(user)
        assert client.get(url).status_code == (200 if role == Role.PROVINCE_STAFF else 403), role
    client.force_login(role_users[Role.PROVINCE_STAFF])
    assert client.get(reverse("credits:policy_edit", args=[1999])).status_code == 404


def sheet(rows):
    from credits.excel_import import IMPORT_HEADERS

    wb = Workbook()
    wb.active.append([label for _key, label in IMPORT_HEADERS])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("records.xlsx", out.getvalue())


def test_import_is_all_or_nothing_with_row_numbers(client, role_users, employer, policy):
    admin = role_users[Role.BASE_ADMIN]
    base = admin.memberships.get().organisation
    course = CourseFactory(provider=base, hours=D("6.0"))
    person = role_users[Role.PROFESSIONAL]
    good = [person.id_number, 2022, "公需课", 6, course.pk, "课程", "平台课程学习", "2022-05-01", "R1"]
    bad = [person.id_number, 2022, "公需课", -1, course.pk, "课程", "平台课程学习", "2022-05-01", "R2"]
    client.force_login(admin)
    response = client.post(reverse("credits:import"), {"file": sheet([good, bad])})
    body = response.content.decode()
    assert response.status_code == 200 and "第3行「学时」：" in body
    assert not HourRecord.objects.exists()
    response = client.post(reverse("credits:import"), {"file": sheet([good])})
    assert response.status_code == 302
    assert YearSummary.objects.get(professional=person).public_hours == D("6.0")


def test_import_refuses_a_non_xlsx_file(client, role_users, policy):
    client.force_login(role_users[Role.BASE_ADMIN])
    response = client.post(reverse("credits:import"), {"file": SimpleUploadedFile("a.xlsx", b"not a zip")})
    assert response.status_code == 200 and not HourRecord.objects.exists()
    assert client.get(reverse("credits:import_template")).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_my_hours_query_count_is_constant(client, role_users, policy, n):
    person = role_users[Role.PROFESSIONAL]
    for i in range(n):  # 1 or 20 hours: public hours still missing, so the plan reads the catalogue
        approved_record(person, hours="1", category=Category.PUBLIC, title=f"课程{i}")
    CourseFactory()
    client.force_login(person)
    # Session, user, roles (and the employer), years, policy, requirements (none), summary, ledger
    # rows, sectors (none), courses.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_requirement",
        "credits_yearsummary",
        "credits_hourrecord",
        "accounts_organisation",
        "courses_course",
    ):
        assert client.get(reverse("credits:my_hours"), {"year": 2022}).status_code == 200


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.PROFESSIONAL, "credits:my_hours"),
        (Role.EMPLOYER_ADMIN, "credits:roster"),
        (Role.CITY_STAFF, "credits:city_report"),
        (Role.PROVINCE_STAFF, "credits:province_report"),
    ],
)
def test_dashboard_sends_each_role_to_its_hours_start_page(client, role_users, policy, role, url_name):
    client.force_login(role_users[role])
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse(url_name))


def test_certificate_page_is_for_professionals_only(client, role_users, policy):
    url = reverse("credits:certificate", args=[2022])
    assert client.get(url).status_code == 302
    assert client.post(url).status_code == 302
    for role, user in role_users.items():
        if role in (Role.PROFESSIONAL, Role.EXPERT):
            continue
        client.force_login(user)
        assert client.get(url).status_code == 403, role
        assert client.post(url).status_code == 403, role
    assert not HoursCertificate.objects.exists()


def test_verification_page_is_public(client, policy):
    assert client.get(reverse("credits:verify")).status_code == 200


def test_bureau_drill_down_into_an_employer_roster_is_scoped(client, role_users, employer, other_employer, policy):
    url = reverse("credits:organisation_roster", args=[employer.pk])
    other_url = reverse("credits:organisation_roster", args=[other_employer.pk])
    assert client.get(url).status_code == 302
    jinan = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    expectations = [
        (jinan, 200, 404),
        (role_users[Role.PROVINCE_STAFF], 200, 200),
        (role_users[Role.EMPLOYER_ADMIN], 200, 404),
        (role_users[Role.PROFESSIONAL], 404, 404),
        (role_users[Role.BASE_ADMIN], 404, 404),
    ]
    for user, own, other in expectations:
        client.force_login(user)
        assert client.get(url, {"year": 2022}).status_code == own, user
        assert client.get(other_url, {"year": 2022}).status_code == other, user
    client.force_login(jinan)
    body = client.get(url, {"year": 2022}).content.decode()
    assert role_users[Role.PROFESSIONAL].display_name in body
    assert role_users[Role.PROFESSIONAL].id_number not in body
    export = client.get(reverse("credits:organisation_roster_export", args=[employer.pk]), {"year": 2022})
    assert export.status_code == 200
    assert client.get(reverse("credits:organisation_roster_export", args=[other_employer.pk])).status_code == 404


@pytest.mark.parametrize("n", [1, 30])
def test_drill_down_roster_query_count_is_constant(client, employer, policy, n):
    for _ in range(n):
        approved_record(professional_of(employer), hours="5")
    client.force_login(user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")))
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_organisation",
        "accounts_membership",
        "accounts_organisation",
        "credits_requirement",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_employeryearrollup",
        "accounts_membership",
        "accounts_membership",
        "credits_yearpolicy",
    ):
        response = client.get(reverse("credits:organisation_roster", args=[employer.pk]), {"year": 2022})
    assert response.status_code == 200


def test_city_report_links_to_the_employer_drill_down(client, employer, policy):
    client.force_login(user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")))
    body = client.get(reverse("credits:city_report"), {"year": 2022}).content.decode()
    assert reverse("credits:organisation_roster", args=[employer.pk]) in body


def test_province_staff_drill_down_from_city_to_employer(client, role_users, other_employer, policy):
    professional_of(other_employer, name="青岛职工")
    client.force_login(role_users[Role.PROVINCE_STAFF])
    province = client.get(reverse("credits:province_report"), {"year": 2022}).content.decode()
    assert "city=qingdao" in province
    city = client.get(reverse("credits:city_report"), {"year": 2022, "city": "qingdao"}).content.decode()
    assert other_employer.name in city and "学时核查" not in city
    assert client.get(reverse("credits:city_report"), {"year": 2022}).status_code == 302


def test_city_staff_cannot_switch_to_another_city(client, other_employer, policy):
    client.force_login(user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")))
    body = client.get(reverse("credits:city_report"), {"year": 2022, "city": "qingdao"}).content.decode()
    assert "济南市" in body and other_employer.name not in body


def test_unfiltered_roster_counts_memberships_alone_and_pages_agree(client, role_users, employer, policy):
    """The page count of an unfiltered roster comes from the staff memberships alone (no join to
    the people and their summaries); filtered, from the filtered rows. Both page the same rows."""
    for n in range(30):
        person = professional_of(employer)
        person.memberships.update(department="内科" if n % 3 else "外科")
        approved_record(person, hours="5")
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    with CaptureQueriesContext(connection) as captured:
        first = client.get(reverse("credits:roster"), {"year": 2022})
    counts = [
        q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"] and "accounts_membership" in q["sql"]
    ]
    assert counts and "JOIN" not in counts[-1]
    staff = employer.memberships.filter(role=Role.PROFESSIONAL, is_active=True).count()
    assert staff > 30  # the 30 above and the fixture's own professional
    assert first.context["page"].paginator.count == staff
    assert first.context["page"].paginator.num_pages == 2
    last = client.get(reverse("credits:roster"), {"year": 2022, "page": 2})
    shown = {m.pk for m in first.context["page"]} | {m.pk for m in last.context["page"]}
    assert len(shown) == staff
    surgeons = client.get(reverse("credits:roster"), {"year": 2022, "department": "外科"})
    assert surgeons.context["page"].paginator.count == 10
    assert {m.department for m in surgeons.context["page"]} == {"外科"}
