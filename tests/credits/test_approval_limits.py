"""Human approvals have limits (issue 21, item 4): a self-report carries proof on every path, may
not exceed the per-record maximum the year's conversion rules give, and past the policy's
self-report threshold goes to the city bureau of the person's employer, not only to the employer."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from credits import selectors, services
from credits.models import ConversionRule, HourRecord, YearPolicy, YearSummary
from credits.services.ledger import _insert
from tests.factories import OrganisationFactory, user_with_role

from .factories import ConversionRuleFactory, YearPolicyFactory, professional_of, proof_file

DAY = datetime.date(2022, 5, 1)


@pytest.fixture
def policy_2022(db):
    """2022 with one rule: a semester of study counts 30 hours, one semester a record (max 30)."""
    policy = YearPolicyFactory(year=2022, conversion_rules=[])
    ConversionRule.objects.filter(policy=policy).delete()
    ConversionRuleFactory(policy=policy, name="在职学历教育", unit="学期", hours_per_unit=D("30.0"), max_units=D("1.0"))
    policy.self_report_bureau_threshold = D("40.0")
    policy.save()
    return policy


@pytest.fixture
def people(db, employer, other_employer):
    return {
        "person": professional_of(employer),
        "employer": user_with_role(Role.EMPLOYER_ADMIN, employer),
        "other_employer": user_with_role(Role.EMPLOYER_ADMIN, other_employer),
        "jinan_bureau": user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")),
        "qingdao_bureau": user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="qingdao")),
    }


def report(person, hours, **extra):
    record, _created = services.self_report_hours(
        **{
            "professional": person,
            "year": 2022,
            "title": "会议",
            "completed_on": DAY,
            "category": Category.PROFESSIONAL,
            "hours": hours,
            "proof": proof_file(),
            **extra,
        }
    )
    return record


def api_report(client, hours, **extra):
    data = {"year": 2022, "category": "professional", "hours": hours, "title": "会议", "completed_on": "2022-06-01"}
    return client.post(reverse("api-hour-records"), {**data, **extra})


def approve(client, record):
    return client.post(reverse("api-hour-record-approve", args=[record.pk]), "{}", content_type="application/json")


def test_a_999_9_hour_self_report_over_the_api_without_proof_is_refused(client, policy_2022, people):
    client.force_login(people["person"])
    response = api_report(client, "999.9")
    assert response.status_code == 400
    assert response.json()["errors"]["proof"] == ["个人申报须上传证明材料（PDF、JPG、PNG）。"]
    assert not HourRecord.objects.exists()


def test_a_self_report_above_the_maximum_the_conversion_rules_give_is_refused_naming_it(client, policy_2022, people):
    client.force_login(people["person"])
    response = api_report(client, "999.9", proof=proof_file())
    assert response.status_code == 400
    assert response.json()["detail"] == "个人申报每条不能超过 30 学时（依2022年度学时折算规则），本条为 999.9 学时。"
    assert api_report(client, "30.1", proof=proof_file()).status_code == 400
    assert api_report(client, "30", proof=proof_file()).status_code == 201
    assert HourRecord.objects.count() == 1


def test_the_maximum_is_the_policys_data_not_a_literal(policy_2022, people):
    ConversionRuleFactory(policy=policy_2022, name="学术会议", unit="天", hours_per_unit=D("8.0"), max_units=D("5.0"))
    assert policy_2022.self_report_max_hours() == D("40.0")
    assert report(people["person"], "40").hours == D("40.0")
    with pytest.raises(ValidationError) as info:
        report(people["person"], "40.5")
    assert "40 学时" in info.value.message_dict["hours"][0]


def test_a_rule_caps_its_own_reports_by_its_units_per_record(policy_2022, people):
    paper = ConversionRuleFactory(policy=policy_2022, name="论文", unit="篇", hours_per_unit=D("10.0"))
    assert report(people["person"], None, conversion_rule=paper, quantity=D("1")).hours == D("10.0")
    with pytest.raises(ValidationError) as info:
        report(people["person"], None, conversion_rule=paper, quantity=D("2"))
    assert "10 学时" in info.value.message_dict["hours"][0]


def test_a_year_without_conversion_rules_takes_no_self_reports(db, people):
    YearPolicyFactory(year=2022, conversion_rules=[])
    ConversionRule.objects.filter(policy__year=2022).delete()
    with pytest.raises(ValidationError) as info:
        report(people["person"], "2")
    assert "未设置学时折算规则" in info.value.message_dict["hours"][0]


def test_the_self_report_page_refuses_above_the_maximum_in_chinese(client, policy_2022, people):
    client.force_login(people["person"])
    assert "每条不超过 30 学时" in client.get(reverse("credits:self_report") + "?year=2022").content.decode()
    data = {"category": "professional", "hours": "999.9", "title": "进修", "completed_on": "2022-06-01"}
    response = client.post(reverse("credits:self_report") + "?year=2022", {**data, "proof": proof_file()})
    assert response.status_code == 200
    assert "个人申报每条不能超过 30 学时" in response.content.decode()
    assert not HourRecord.objects.exists()


def test_an_employer_approving_a_self_report_above_the_maximum_is_refused(client, policy_2022, people):
    # A record stored before the limits existed (straight into the ledger, as an old import did).
    legacy, _ = _insert(
        HourRecord(
            professional=people["person"],
            year=2022,
            completed_on=DAY,
            category=Category.PROFESSIONAL,
            hours=D("999.9"),
            source=HourRecord.Source.SELF_REPORTED,
            recorded_by=people["person"].memberships.get().organisation,
        )
    )
    client.force_login(people["employer"])
    response = approve(client, legacy)
    assert response.status_code == 400
    assert "不能超过 30 学时" in response.json()["detail"]
    assert HourRecord.objects.get(pk=legacy.pk).status == HourRecord.Status.PENDING
    assert not YearSummary.objects.filter(professional=people["person"], professional_hours__gt=0).exists()


def test_past_the_threshold_a_self_report_goes_to_the_city_bureau(client, policy_2022, people):
    first = report(people["person"], "30")
    second = report(people["person"], "20")  # 50 > 40: the city bureau decides
    assert (first.bureau_review, second.bureau_review) == (False, True)
    client.force_login(people["employer"])
    assert approve(client, first).status_code == 200
    assert approve(client, second).status_code == 404
    assert "会议" not in client.get(reverse("credits:queue")).content.decode()
    client.force_login(people["other_employer"])
    assert approve(client, second).status_code == 404
    client.force_login(people["qingdao_bureau"])
    assert approve(client, second).status_code == 404
    client.force_login(people["jinan_bureau"])
    assert "会议" in client.get(reverse("credits:queue")).content.decode()
    assert approve(client, second).status_code == 200
    assert YearSummary.objects.get(professional=people["person"]).professional_hours == D("50.0")


def test_an_employer_approving_past_the_threshold_is_refused_and_the_record_goes_to_the_bureau(
    client, policy_2022, people
):
    # Both were under the threshold when reported (40 then), which staff lowered to 35 since.
    first, second = report(people["person"], "20"), report(people["person"], "20")
    YearPolicy.objects.filter(year=2022).update(self_report_bureau_threshold=D("35.0"))
    client.force_login(people["employer"])
    assert approve(client, first).status_code == 200
    response = approve(client, second)
    assert response.status_code == 422
    assert response.json()["code"] == "sent_to_city_bureau"
    second.refresh_from_db()
    assert second.status == HourRecord.Status.PENDING and second.bureau_review
    assert [r.pk for r in selectors.records_decidable_by(people["jinan_bureau"])] == [second.pk]
    assert not selectors.records_decidable_by(people["employer"]).exists()


def test_the_approval_page_says_the_record_went_to_the_bureau(client, policy_2022, people):
    first, second = report(people["person"], "20"), report(people["person"], "20")
    YearPolicy.objects.filter(year=2022).update(self_report_bureau_threshold=D("35.0"))
    client.force_login(people["employer"])
    services.approve_record(record_id=first.pk, actor=people["employer"])
    response = client.post(
        reverse("credits:decide", args=[second.pk]), {"action": "approve", "confirm": "1"}, follow=True
    )
    assert "已转市人社局审核" in response.content.decode()
    assert HourRecord.objects.get(pk=second.pk).status == HourRecord.Status.PENDING


def test_an_employer_of_another_unit_cannot_approve_at_all(client, policy_2022, people):
    record = report(people["person"], "10")
    client.force_login(people["other_employer"])
    assert approve(client, record).status_code == 404
    assert HourRecord.objects.get(pk=record.pk).status == HourRecord.Status.PENDING


def test_the_threshold_is_staff_data_on_the_policy_page(client, policy_2022, role_users):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    url = reverse("credits:policy_edit", args=[2022])
    page = client.get(url).content.decode()
    assert "个人申报转市人社局审核阈值" in page and "每条申报最多数量" in page
    assert "个人申报转市人社局审核阈值" in client.get(reverse("credits:policies")).content.decode()
