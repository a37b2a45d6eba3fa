"""The change log reads as people write (issue 23): moments in Beijing time as 2026年12月28日
23:59:59, objects by name (a course with its unit, a person, an organisation), choices by their
label, booleans 是/否, hours as 30 (never 30.0), weights as percentages, fields by their names."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import AuditEvent, Role, User
from courses.models import Course
from credits.models import Requirement, YearPolicy
from portal.history import values
from portal.history.context import recorded_as
from portal.history.setting_changes import plain_value, setting_change_rows, setting_value
from selection import services
from selection.models import Campaign, Recommendation
from selection.models.campaigns import TieRule
from tests.courses.factories import CourseFactory
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries
from tests.selection.factories import CourseFactory as SelectionCourseFactory
from tests.selection.factories import open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="history triggers need PostgreSQL")


def _field(model, name):
    return model._meta.get_field(name)


def test_a_stored_utc_moment_reads_in_beijing_time():
    field = _field(Campaign, "voting_end")
    assert values.field_value(field, "2026-12-28T15:59:59+00:00") == "2026年12月28日 23:59:59"
    moment = datetime.datetime(2026, 12, 28, 15, 59, 59, tzinfo=datetime.UTC)
    assert values.field_value(field, moment) == "2026年12月28日 23:59:59"
    assert plain_value("2026-12-09T23:59:00+08:00") == "2026年12月9日 23:59:00"


def test_a_date_reads_without_leading_zeros():
    assert values.field_value(_field(YearPolicy, "closes_on"), "2022-12-01") == "2022年12月1日"
    assert plain_value("2022-04-05") == "2022年4月5日"


def test_hours_weights_and_scores_read_as_people_write_them():
    assert values.field_value(_field(YearPolicy, "min_public"), "30.0") == "30"
    assert values.field_value(_field(Course, "hours"), D("1.5")) == "1.5"
    assert values.field_value(_field(Campaign, "expert_weight"), "0.700") == "70%"
    assert values.field_value(_field(Campaign, "vote_weight"), D("0.125")) == "12.5%"
    assert values.field_value(_field(YearPolicy, "teaching_credit_multiplier"), "2.00") == "2"


def test_choices_and_booleans_read_by_their_labels():
    assert values.field_value(_field(YearPolicy, "teaching_credit_category"), "public") == "公需课"
    assert values.field_value(_field(Campaign, "tie_rule"), "votes_then_expert").startswith("综合得分相同时，得票多者")
    assert values.field_value(_field(Campaign, "blind_review"), False) == "否"
    assert values.field_value(_field(Campaign, "blind_review"), True) == "是"
    assert values.field_value(_field(Campaign, "select_count"), None) == "—"


def test_related_objects_read_by_name_one_query_per_model():
    base = OrganisationFactory(provincial_base=True, name="山东医养基地")
    course = CourseFactory(provider=base, title="公需课：医养结合")
    person = user_with_role(Role.BASE_ADMIN, base, name="李管理")
    with expect_queries("courses_course", "accounts_user", "accounts_organisation"):
        names = values.names_by_model({Course: {course.pk}, User: {person.pk}, type(base): {base.pk}})
    assert values.field_value(_field(Requirement, "course"), course.pk, names) == "公需课：医养结合（山东医养基地）"
    assert values.field_value(_field(Course, "provider"), base.pk, names) == "山东医养基地"
    assert values.field_value(_field(Recommendation, "created_by"), person.pk, names) == "李管理"
    assert values.field_value(_field(Requirement, "course"), 999999, names) == "（已删除）#999999"


def test_field_labels_are_verbose_names():
    assert values.field_label(_field(Campaign, "expert_weight")) == "专家评审权重"
    assert values.field_label(_field(Requirement, "course")) != "course"


def test_conversion_rules_and_rubric_read_as_sentences():
    rules = [{"name": "发表论文", "unit": "篇", "hours_per_unit": "10.0", "category": "professional"}]
    assert setting_value(AuditEvent.Type.YEAR_POLICY_CHANGED, "conversion_rules", rules, {}) == (
        "发表论文：每篇 10 学时，计入专业课"
    )
    rubric = [
        {"code": "content", "label": "内容", "max_score": "60.00"},
        {"code": "form", "label": "形式", "max_score": 40},
    ]
    assert setting_value(AuditEvent.Type.RUBRIC_CHANGED, "rubric", rubric, {}) == "内容（满分 60）；形式（满分 40）"


def test_the_settings_log_shows_weights_as_percentages_and_choices_by_label(client):
    association = user_with_role(Role.ASSOCIATION_ADMIN)
    campaign = services.create_campaign(year=2031)
    services.update_campaign_settings(
        campaign=campaign,
        actor=association,
        expert_weight=D("0.60"),
        vote_weight=D("0.40"),
        tie_rule=TieRule.VOTES_THEN_EXPERT,
        blind_review=False,
    )
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    body = client.get(reverse("accounts:setting_changes")).content.decode()
    assert "专家评审权重：70% → 60%" in body and "网络投票权重：30% → 40%" in body
    assert "匿名评审：是 → 否" in body and "得票多者在前" in body
    assert "0.600" not in body and "votes_then_expert" not in body


def test_the_year_policys_hours_never_read_30_0(client):
    from tests.credits.factories import YearPolicyFactory

    YearPolicyFactory(year=2022)
    province = user_with_role(Role.PROVINCE_STAFF)
    client.force_login(province)
    form = {
        "year": 2022,
        "min_total": "95",
        "min_public": "35.0",
        "min_professional": "60",
        "teaching_credit_multiplier": "2",
        "teaching_credit_category": "professional",
        "closes_on": "2022-12-31",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("credits:policy_edit", args=[2022]), form).status_code == 302
    body = client.get(reverse("accounts:setting_changes")).content.decode()
    assert "公需课学时下限：30 → 35" in body and "年度总学时下限：90 → 95" in body
    assert "授课学时计入类别：公需课 → 专业课" in body and "2022年12月31日" in body


def test_a_tie_decision_names_its_courses_and_reason():
    campaign = open_campaign(year=2031)
    first = submitted_recommendation(campaign, SelectionCourseFactory(title="课程甲"))
    second = submitted_recommendation(campaign, SelectionCourseFactory(title="课程乙"))
    event = AuditEvent.objects.create(
        type=AuditEvent.Type.TIE_DECIDED,
        target=str(campaign),
        data={"tied": [first.pk, second.pk], "selected": [second.pk], "reason": "课程乙更新"},
    )
    (row,) = setting_change_rows([event])
    assert row["details"] == [
        ("并列课程", f"课程甲（{first.course.provider.name}）、课程乙（{second.course.provider.name}）"),
        ("裁定入选", f"课程乙（{second.course.provider.name}）"),
        ("理由", "课程乙更新"),
    ]


@pytest.mark.postgres
@postgres_only
def test_recorded_history_names_a_requirements_course_with_its_unit(client):
    """Real history: PostgreSQL's triggers record a requirement set on a course."""
    base = OrganisationFactory(provincial_base=True, name="山东交通学院继续教育基地")
    course = CourseFactory(provider=base, title="公路养护新技术", year_from=2022, year_to=2022)
    bureau = OrganisationFactory(city_bureau=True, city="jinan")
    with recorded_as("command:shell"):
        Requirement.objects.create(organisation=bureau, year=2022, kind=Requirement.Kind.COURSE, course=course)
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    response = client.get(reverse("accounts:setting_changes"), {"kind": "requirement"})
    (row,) = response.context["history_rows"]
    changes = {label: new for label, _old, new in row["changes"]}
    assert "公路养护新技术（山东交通学院继续教育基地）" in changes.values()
    assert bureau.name in changes.values()
    body = response.content.decode()
    assert "requirement:" not in body and "+00:00" not in body


@pytest.mark.postgres
@postgres_only
def test_recorded_history_shows_weights_as_percentages_and_moments_in_beijing_time(client):
    campaign = services.create_campaign(year=2031)
    with recorded_as("command:shell"):
        Campaign.objects.filter(pk=campaign.pk).update(
            expert_weight=D("0.600"),
            vote_weight=D("0.400"),
            voting_end=datetime.datetime(2031, 12, 28, 15, 59, 59, tzinfo=datetime.UTC),
        )
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    rows = client.get(reverse("accounts:setting_changes"), {"kind": "campaign"}).context["history_rows"]
    changes = {label: (old, new) for label, old, new in rows[0]["changes"]}
    assert changes["专家评审权重"] == ("70%", "60%")
    assert changes["网络投票结束"][1] == "2031年12月28日 23:59:59"


def test_a_work_plan_training_reads_its_hours_without_a_trailing_zero():
    from courses.models import WorkPlanTraining

    assert values.object_name(WorkPlanTraining(title="应急管理培训班", hours=D("30.0"))) == "应急管理培训班（30学时）"


def test_a_setting_stored_without_its_name_reads_by_the_fields_verbose_name():
    event = AuditEvent.objects.create(
        type=AuditEvent.Type.CAMPAIGN_SETTINGS_CHANGED,
        target="2031年度优质在线公需课评选",
        data={"changed": ["vote_weight"], "old": {"vote_weight": "0.3"}, "new": {"vote_weight": "0.25"}},
    )
    (row,) = setting_change_rows([event])
    assert row["changes"] == [("网络投票权重", "30%", "25%")]
