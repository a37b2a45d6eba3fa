"""下载学时证明 (issue 23): a page of the person's years, the certifiable ones with their button and
for the others what is missing; reading it issues nothing."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HoursCertificate
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import YearPolicyFactory, approved_record, professional_of

URL = reverse("credits:certificates")


@pytest.fixture
def person(db, employer):
    """Compliant in 2022 (30 + 60), short of 12 public hours in 2021 (18 + 64)."""
    for year in (2021, 2022):
        YearPolicyFactory(year=year)
    person = professional_of(employer)
    approved_record(person, hours="30", category=Category.PUBLIC, year=2022)
    approved_record(person, hours="60", category=Category.PROFESSIONAL, year=2022)
    approved_record(person, hours="18", category=Category.PUBLIC, year=2021)
    approved_record(person, hours="64", category=Category.PROFESSIONAL, year=2021)
    return person


def year_card(page: str, year: int) -> str:
    return page.split(f'id="year-{year}"', 1)[1].split("</li>\n  \n", 1)[0]


def test_compliant_years_offer_the_certificate_the_others_say_what_is_missing(client, person):
    client.force_login(person)
    page = client.get(URL).content.decode()
    assert f'action="{reverse("credits:certificate", args=[2022])}"' in year_card(page, 2022)
    assert "开具2022年度学时证明" in page
    short = year_card(page, 2021)
    assert "还差 12 学时公需课" in short and "专业课" in short
    assert reverse("credits:certificate", args=[2021]) not in page
    assert page.index('id="year-2022"') < page.index('id="year-2021"')


def test_a_year_short_of_both_categories_and_the_total_names_each(client, db, employer):
    policy = YearPolicyFactory(year=2022)
    policy.min_total = D("100.0")
    policy.save()
    person = professional_of(employer)
    approved_record(person, hours="20", category=Category.PUBLIC, year=2022)
    client.force_login(person)
    card = year_card(client.get(URL).content.decode(), 2022)
    assert "还差 10 学时公需课" in card and "还差 60 学时专业课" in card and "另需任意类别 10 学时" in card


def test_reading_the_page_issues_nothing(client, person):
    client.force_login(person)
    client.get(URL)
    assert not HoursCertificate.objects.exists()


def test_an_issued_certificate_is_opened_not_issued_again(client, person):
    certificate = services.issue_certificate(user=person, year=2022)
    client.force_login(person)
    card = year_card(client.get(URL).content.decode(), 2022)
    assert f'href="{reverse("credits:certificate", args=[2022])}"' in card and "<form" not in card
    client.post(reverse("credits:certificate", args=[2022]))
    assert list(HoursCertificate.objects.all()) == [certificate]


def test_a_superseded_certificate_is_not_offered(client, person):
    services.issue_certificate(user=person, year=2022)
    approved_record(person, hours="2", category=Category.PUBLIC, year=2022)
    client.force_login(person)
    card = year_card(client.get(URL).content.decode(), 2022)
    assert "开具2022年度学时证明" in card


def test_the_button_issues_the_certificate_of_that_year(client, person):
    client.force_login(person)
    response = client.post(reverse("credits:certificate", args=[2022]))
    assert response.status_code == 302
    assert HoursCertificate.objects.get().year == 2022


def test_the_menu_item_opens_this_page(client, person):
    client.force_login(person)
    page = client.get(reverse("credits:my_hours")).content.decode()
    assert f'href="{URL}"' in page and "下载学时证明" in page


def test_only_the_person_themself(client, person, employer, other_employer):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(user_with_role(Role.EMPLOYER_ADMIN, employer))
    assert client.get(URL).status_code == 403
    # Another professional sees their own years, never this person's figures.
    other = professional_of(other_employer)
    client.force_login(other)
    page = client.get(URL).content.decode()
    assert "开具2022年度学时证明" not in page and "还差 30 学时公需课" in year_card(page, 2022)


@pytest.mark.parametrize("certificates", [0, 2])
def test_the_page_reads_a_fixed_number_of_queries(client, person, certificates):
    YearPolicyFactory(year=2020)
    for year in (2022, 2021)[:certificates]:
        approved_record(person, hours="30", category=Category.PUBLIC, year=year)
        services.issue_certificate(user=person, year=year)
    client.force_login(person)
    with expect_queries(
        "django_session",  # the session
        "accounts_user",  # the user
        "accounts_membership",  # their roles (permission and menu)
        "credits_yearpolicy",  # the years with a policy, up to this one
        "credits_yearsummary",  # the person's figures of every year
        "credits_hourscertificate",  # their unsuperseded certificates
    ):
        response = client.get(URL)
    assert response.status_code == 200
