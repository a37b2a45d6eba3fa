"""Settings that decide outcomes are audited as typed events with old and new values (issue 16),
and shown to the staff who oversee them: the provincial bureau (year policy and the evaluation it
entrusts to the association) and the association (the evaluation)."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from portal.formats import cn_datetime
from selection import services
from tests.factories import user_with_role
from tests.queries import expect_queries

pytestmark = pytest.mark.django_db

POLICY_FORM = {
    "year": 2022,
    "min_total": "90",
    "min_public": "30",
    "min_professional": "60",
    "teaching_credit_multiplier": "2",
    "teaching_credit_category": "public",
    "closes_on": "2022-12-31",
    "review_threshold": "120",
    "rules-TOTAL_FORMS": "0",
    "rules-INITIAL_FORMS": "0",
}


@pytest.fixture
def policy():
    from tests.credits.factories import YearPolicyFactory

    return YearPolicyFactory(year=2022)


@pytest.fixture
def province():
    return user_with_role(Role.PROVINCE_STAFF)


@pytest.fixture
def association():
    return user_with_role(Role.ASSOCIATION_ADMIN)


def test_changing_the_year_policy_records_old_and_new_values(client, policy, province):
    old_total = str(policy.min_total)
    client.force_login(province)
    assert client.post(reverse("credits:policy_edit", args=[2022]), POLICY_FORM).status_code == 302
    event = AuditEvent.objects.get(type=AuditEvent.Type.YEAR_POLICY_CHANGED)
    assert event.actor == province and event.target == "year-policy:2022"
    assert "closes_on" in event.data["changed"] and "review_threshold" in event.data["changed"]
    assert event.data["old"]["closes_on"] is None and event.data["new"]["closes_on"] == "2022-12-31"
    assert event.data["new"]["review_threshold"] == "120"
    assert event.data["labels"]["closes_on"]
    # 90 and 90.0 are the same setting: unchanged values are not listed.
    assert ("min_total" in event.data["changed"]) == (D(old_total) != D("90"))


def test_saving_the_policy_unchanged_records_nothing(client, policy, province):
    client.force_login(province)
    client.post(reverse("credits:policy_edit", args=[2022]), POLICY_FORM)
    client.post(reverse("credits:policy_edit", args=[2022]), POLICY_FORM)
    assert AuditEvent.objects.filter(type=AuditEvent.Type.YEAR_POLICY_CHANGED).count() == 1


def test_campaign_weights_are_a_typed_event_with_old_and_new(association):
    campaign = services.create_campaign(year=2031)
    services.update_campaign_settings(
        campaign=campaign, actor=association, expert_weight=D("0.60"), vote_weight=D("0.40"), select_count=10
    )
    event = AuditEvent.objects.get(type=AuditEvent.Type.CAMPAIGN_SETTINGS_CHANGED)
    assert event.data["changed"] == ["expert_weight", "vote_weight"]
    assert D(event.data["old"]["expert_weight"]) == campaign.expert_weight
    assert D(event.data["new"]["expert_weight"]) == D("0.60") and D(event.data["new"]["vote_weight"]) == D("0.40")
    assert not AuditEvent.objects.filter(type=AuditEvent.Type.OTHER).exists()


def test_the_rubric_change_records_the_old_and_new_criteria(association):
    campaign = services.create_campaign(year=2031)
    old_codes = [c.code for c in campaign.criteria.order_by("order")]
    rows = [{"code": "content", "label": "内容", "max_score": 60}, {"code": "form", "label": "形式", "max_score": 40}]
    services.update_rubric(campaign=campaign, rows=rows, actor=association)
    event = AuditEvent.objects.get(type=AuditEvent.Type.RUBRIC_CHANGED)
    assert [c["code"] for c in event.data["old"]["rubric"]] == old_codes
    assert [(c["code"], D(str(c["max_score"]))) for c in event.data["new"]["rubric"]] == [
        ("content", D(60)),
        ("form", D(40)),
    ]


def test_province_sees_policy_and_evaluation_changes(client, policy, province, association):
    client.force_login(province)
    client.post(reverse("credits:policy_edit", args=[2022]), POLICY_FORM)
    campaign = services.create_campaign(year=2031)
    new_end = campaign.voting_end + datetime.timedelta(days=1)
    services.update_campaign_settings(campaign=campaign, actor=association, voting_end=new_end)
    body = client.get(reverse("accounts:setting_changes")).content.decode()
    assert "年度学时政策变更" in body and "评选设置变更" in body
    # Dates and moments in Beijing time as people write them, never ISO text in UTC (issue 23).
    assert "2022年12月31日" in body and "→" in body
    assert f"{cn_datetime(campaign.voting_end)} → {cn_datetime(new_end)}" in body
    assert "+00:00" not in body and "2022-12-31" not in body


def test_association_sees_evaluation_changes_but_not_the_year_policy(client, policy, province, association):
    client.force_login(province)
    client.post(reverse("credits:policy_edit", args=[2022]), POLICY_FORM)
    services.update_campaign_settings(campaign=services.create_campaign(year=2031), actor=association, select_count=12)
    client.force_login(association)
    response = client.get(reverse("accounts:setting_changes"))
    assert response.status_code == 200
    kinds = {row["event"].type for row in response.context["rows"]}
    assert kinds == {AuditEvent.Type.CAMPAIGN_SETTINGS_CHANGED}


@pytest.mark.parametrize("role", [Role.CITY_STAFF, Role.EMPLOYER_ADMIN, Role.PROFESSIONAL, Role.EXPERT])
def test_other_roles_are_refused(client, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("accounts:setting_changes")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("accounts:setting_changes"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("n", [1, 8])
def test_the_change_log_query_count_is_constant(client, province, association, n):
    for i in range(n):
        services.update_campaign_settings(
            campaign=services.create_campaign(year=2031 + i), actor=association, select_count=12
        )
    client.force_login(province)
    client.get(reverse("accounts:setting_changes"))
    # session; user; roles (with organisations); count of events; the page of events (with actors)
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "accounts_auditevent", "accounts_auditevent"
    ):
        response = client.get(reverse("accounts:setting_changes"))
    assert len(response.context["rows"]) == n


def test_required_learning_set_and_removed_is_a_typed_event_the_province_sees(client, policy, province, association):
    from credits import services as credits_services
    from credits.models import Requirement
    from tests.credits.factories import TopicFactory
    from tests.factories import OrganisationFactory

    bureau = OrganisationFactory(city_bureau=True, city="jinan")
    staff = user_with_role(Role.CITY_STAFF, bureau)
    requirement = credits_services.set_requirement(
        actor=staff,
        organisation=bureau,
        year=2022,
        kind=Requirement.Kind.TOPIC_HOURS,
        topic=TopicFactory(year=2022),
        min_hours="6",
    )
    credits_services.remove_requirement(actor=staff, requirement=requirement)
    set_event, removed_event = AuditEvent.objects.filter(type=AuditEvent.Type.REQUIREMENT_CHANGED).order_by("id")
    assert set_event.data["old"] == {"requirement": None} and set_event.data["new"]["requirement"].startswith("2022")
    assert removed_event.data["new"] == {"requirement": None}
    client.force_login(province)
    assert "专门学习要求变更" in client.get(reverse("accounts:setting_changes")).content.decode()
    client.force_login(association)
    assert "专门学习要求变更" not in client.get(reverse("accounts:setting_changes")).content.decode()
