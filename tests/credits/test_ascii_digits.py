"""Digits (issue 21, ledger): numbers are read in ASCII digits only, wherever they come from (bulk
rows, the Excel import, forms, the API, query strings). "²", "①" and "²⁰²⁶" answered 500
(`isdigit` said yes, `int` said no); "٢٠٢٦" and "９" were taken as 2026 and 9; integers beyond a
64-bit column answered 500 on SQLite. Each is now a Chinese error and nothing is stored."""

import pytest
from django.urls import reverse

from accounts.models import Role
from credits.models import HourRecord, YearPolicy
from portal.bounds import whole_number
from tests.factories import user_with_role

from .factories import CourseFactory, post, professional_of, proof_file
from .test_rights import platform_row, sheet

OTHER_DIGITS = ["²", "①", "²⁰²⁶", "٢٠٢٦", "９", "２０２２"]
HUGE = 10**30


@pytest.fixture
def course(policy, base):
    return CourseFactory(provider=base)


@pytest.mark.parametrize("text", ["2026", " 9 "])
def test_ascii_digits_are_whole_numbers(text):
    assert whole_number(text) == int(text)


@pytest.mark.parametrize("text", [*OTHER_DIGITS, "", "-1", "1.0", str(HUGE)])
def test_anything_else_is_not_a_whole_number(text):
    assert whole_number(text) is None


@pytest.mark.parametrize("year", [*OTHER_DIGITS, HUGE, str(HUGE)])
def test_a_bulk_row_with_another_years_digits_is_a_row_error(base_client, course, employer, year):
    row = platform_row(professional_of(employer), course, "D1", year=year)
    response = post(base_client, reverse("api-hour-records-bulk"), [row])
    assert response.status_code == 400
    assert response.json()["errors"]["rows"][0]["errors"]["year"] == "年度格式不正确。"
    assert not HourRecord.objects.exists()


@pytest.mark.parametrize("pk", ["９", "①", "²", HUGE, str(HUGE)])
def test_a_bulk_row_naming_a_course_in_other_digits_or_oversized_is_a_row_error(base_client, course, employer, pk):
    row = platform_row(professional_of(employer), course, "D1")
    row["course"] = pk
    response = post(base_client, reverse("api-hour-records-bulk"), [row])
    assert response.status_code == 400
    assert response.json()["errors"]["rows"][0]["errors"]["course"] == "编号必须是正整数。"


@pytest.mark.parametrize("hours", ["٢", "９", "1_0", "²"])
def test_hours_in_other_digits_are_refused(base_client, course, employer, hours):
    row = platform_row(professional_of(employer), course, "D1", hours=hours)
    response = post(base_client, reverse("api-hour-records-bulk"), [row])
    assert response.status_code == 400
    assert response.json()["errors"]["rows"][0]["errors"]["hours"] == "学时必须是数字，例如 1.5。"


def test_the_excel_import_refuses_a_year_in_other_digits(client, base, policy, employer, course):
    client.force_login(user_with_role(Role.BASE_ADMIN, base))
    person = professional_of(employer)
    rows = [
        [person.id_number, year, "公需课", 6, course.pk, "t", "平台课程学习", "2022-05-01", f"X{n}", ""]
        for n, year in enumerate(["²⁰²⁶", "٢٠٢٢"])
    ]
    response = client.post(reverse("credits:import"), {"file": sheet(rows)})
    assert response.status_code == 200 and "年度格式不正确" in response.content.decode()
    assert not HourRecord.objects.exists()


@pytest.mark.parametrize("year", ["²", "٢٠٢٢", str(HUGE)])
def test_the_api_year_parameter_takes_ascii_digits_only(client, policy, employer, year):
    client.force_login(professional_of(employer))
    response = client.get(reverse("api-me-hours"), {"year": year})
    assert response.status_code == 400
    assert response.json()["errors"]["year"] == ["年度格式不正确。"]
    assert client.get(reverse("api-hour-records"), {"year": year}).status_code == 200


@pytest.mark.parametrize("year", ["²", "٢٠٢٢", str(HUGE)])
def test_pages_fall_back_to_this_year_for_a_year_in_other_digits(client, policy, employer, year):
    client.force_login(professional_of(employer))
    assert client.get(reverse("credits:my_hours"), {"year": year}).status_code == 200


@pytest.mark.parametrize("hours", ["٢", "９", "²"])
def test_the_self_report_form_refuses_hours_in_other_digits(client, policy, employer, hours):
    client.force_login(professional_of(employer))
    data = {"category": "public", "hours": hours, "title": "会议", "completed_on": "2022-06-01", "proof": proof_file()}
    response = client.post(reverse("credits:self_report") + "?year=2022", data)
    assert response.status_code == 200 and response.context["form"].errors["hours"]
    assert not HourRecord.objects.exists()


@pytest.mark.parametrize("year", ["٢٠٤٠", "２０４０", str(HUGE)])
def test_the_policy_form_refuses_a_year_in_other_digits(client, db, year):
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    data = {"year": year, "min_total": "90", "min_public": "30", "min_professional": "60"}
    data |= {"teaching_credit_multiplier": "2", "teaching_credit_category": "public"}
    data |= {"rules-TOTAL_FORMS": "0", "rules-INITIAL_FORMS": "0"}
    response = client.post(reverse("credits:policy_new"), data)
    assert response.status_code == 200
    assert not YearPolicy.objects.filter(year=2040).exists()
