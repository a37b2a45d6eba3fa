"""Work plans list their offline trainings; the managing unit may approve a plan with on-arrival
approval (issue 11, point 1: what a CE base may credit)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from courses import selectors, services
from courses.models import WorkPlan, WorkPlanTraining
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import WorkPlanFactory

TRAININGS = [
    {"title": "公需科目线下专题培训", "hours": "12", "category": "public"},
    {"title": "专业科目线下研修班", "hours": "24.5", "category": "professional"},
]


# An approval as the confirmation page sends it (the first post only asks for confirmation).
APPROVE_CONFIRMED = {"decision": "approve", "approved_on_arrival": "on", "confirmed": "1"}


def formset(rows, extra=0):
    data = {"trainings-TOTAL_FORMS": str(len(rows) + extra), "trainings-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"trainings-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_base_submits_its_plan_with_trainings(client, base_admin, base):
    client.force_login(base_admin)
    response = client.post(
        reverse("courses:work_plan_new"), {"year": 2023, "content": "计划", **formset(TRAININGS, extra=1)}
    )
    assert response.status_code == 302
    plan = WorkPlan.objects.get(base=base, year=2023)
    assert [(t.title, t.hours, t.category) for t in plan.trainings.all()] == [
        ("公需科目线下专题培训", Decimal("12.0"), "public"),
        ("专业科目线下研修班", Decimal("24.5"), "professional"),
    ]
    body = client.get(reverse("courses:work_plans")).content.decode()
    assert "专业科目线下研修班" in body


def test_a_training_line_without_hours_is_a_form_error_and_stores_nothing(client, base_admin):
    client.force_login(base_admin)
    data = {"year": 2023, "content": "计划", **formset([{"title": "缺学时", "category": "public"}])}
    response = client.post(reverse("courses:work_plan_new"), data)
    assert response.status_code == 200 and "请填写该培训的学时和科目类别。" in response.content.decode()
    assert not WorkPlan.objects.exists() and not WorkPlanTraining.objects.exists()


@pytest.mark.parametrize(
    ("trainings", "message"),
    [
        ([TRAININGS[0], TRAININGS[0]], "名称重复"),
        ([{"title": "太长", "hours": "300", "category": "public"}], "不能超过"),
        ([{"title": "零学时", "hours": "0", "category": "public"}], "大于 0"),
        ([{"title": "无类别", "hours": "3", "category": "other"}], "科目类别"),
    ],
)
def test_bad_trainings_are_refused_with_the_line_named(base_admin, base, trainings, message):
    with pytest.raises(ValidationError) as info:
        services.submit_work_plan(actor=base_admin, base=base, year=2023, title="", content="计划", trainings=trainings)
    text = info.value.message_dict["trainings"][0]
    assert text.startswith("第") and message in text
    assert not WorkPlan.objects.exists()


def test_a_resubmission_replaces_the_trainings(base_admin, base, department_staff):
    plan = services.submit_work_plan(
        actor=base_admin, base=base, year=2023, title="", content="计划", trainings=TRAININGS
    )
    services.decide_work_plan(actor=department_staff, plan=plan, approve=False, reason="请补充")
    services.submit_work_plan(
        actor=base_admin, base=base, year=2023, title="", content="计划", trainings=[TRAININGS[1]]
    )
    assert list(plan.trainings.values_list("title", flat=True)) == ["专业科目线下研修班"]


def test_the_managing_unit_approves_with_on_arrival_approval(client, base_admin, base, department_staff):
    plan = services.submit_work_plan(
        actor=base_admin, base=base, year=2023, title="", content="计划", trainings=TRAININGS
    )
    client.force_login(department_staff)
    page = client.get(reverse("courses:plan_decide", args=[plan.pk])).content.decode()
    assert "公需科目线下专题培训" in page and "登记即生效" in page
    response = client.post(reverse("courses:plan_decide", args=[plan.pk]), APPROVE_CONFIRMED)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED and plan.approved_on_arrival
    event = AuditEvent.objects.filter(data__action="work_plan_decided").get()
    assert event.data["approved_on_arrival"] is True and event.actor == department_staff


def test_a_returned_plan_is_never_on_arrival(base_admin, base, department_staff):
    plan = services.submit_work_plan(
        actor=base_admin, base=base, year=2023, title="", content="计划", trainings=TRAININGS
    )
    services.decide_work_plan(
        actor=department_staff, plan=plan, approve=False, reason="请补充", approved_on_arrival=True
    )
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.RETURNED and not plan.approved_on_arrival


def test_only_the_managing_unit_sets_on_arrival_approval(client, base_admin, base):
    plan = services.submit_work_plan(
        actor=base_admin, base=base, year=2023, title="", content="计划", trainings=TRAININGS
    )
    for outsider in (base_admin, user_with_role(Role.DEPARTMENT_STAFF)):
        client.force_login(outsider)
        response = client.post(reverse("courses:plan_decide", args=[plan.pk]), APPROVE_CONFIRMED)
        assert response.status_code in (403, 404)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED and not plan.approved_on_arrival


def test_only_trainings_of_the_bases_approved_plans_can_be_credited(base, base_admin, department_staff):
    plan = services.submit_work_plan(
        actor=base_admin, base=base, year=2023, title="", content="计划", trainings=TRAININGS
    )
    ids = list(plan.trainings.values_list("pk", flat=True))
    assert selectors.approved_trainings(base_id=base.pk, training_ids=ids) == {}
    services.decide_work_plan(actor=department_staff, plan=plan, approve=True)
    assert set(selectors.approved_trainings(base_id=base.pk, training_ids=ids)) == set(ids)
    other = WorkPlanFactory(year=2023)
    assert selectors.approved_trainings(base_id=other.base_id, training_ids=ids) == {}


@pytest.mark.parametrize("n", [1, 5])
def test_work_plan_list_query_count(client, base_admin, base, n):
    for year in range(2020, 2020 + n):
        services.submit_work_plan(actor=base_admin, base=base, year=year, title="", content="计划", trainings=TRAININGS)
    client.force_login(base_admin)
    client.get(reverse("courses:work_plans"))
    # Expect 8 queries: the session, the user, the user's roles, the acting base, the paginator's
    # count, the base's managing unit named above the list, the page of plans with base and
    # decider, and their trainings (one prefetch).
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "courses_workplan",
        "accounts_organisation",
        "courses_workplan",
        "courses_workplantraining",
    ):
        response = client.get(reverse("courses:work_plans"))
    assert len(response.context["page"]) == n
