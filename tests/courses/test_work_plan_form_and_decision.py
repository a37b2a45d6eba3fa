"""The work-plan form on its own page with a label on every training field, and the managing
unit's decision with no preset 同意, a required reason to return and a confirmation before an
approval (issue 23)."""

import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from courses import services
from courses.models import WorkPlan
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db

TRAININGS = [{"title": "公需科目线下专题培训", "hours": "12", "category": "public"}]


def formset(rows, extra=0):
    data = {"trainings-TOTAL_FORMS": str(len(rows) + extra), "trainings-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"trainings-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.fixture
def plan(base_admin, base):
    return services.submit_work_plan(
        actor=base_admin, base=base, year=2027, title="", content="计划", trainings=TRAININGS
    )


# --- the form: reachable first, every training field labelled


def test_the_list_leads_to_the_form_before_the_list_of_plans(client, base_admin):
    client.force_login(base_admin)
    body = client.get(reverse("courses:work_plans")).content.decode()
    assert reverse("courses:work_plan_new") in body and "新建工作计划" in body
    assert body.index("新建工作计划") < body.index("<table")
    assert 'name="trainings-0-title"' not in body


def test_every_training_field_has_a_label_naming_its_row(client, base_admin):
    client.force_login(base_admin)
    body = client.get(reverse("courses:work_plan_new")).content.decode()
    fields = re.findall(r'<(?:input|select)[^>]*\bname="trainings-\d+-\w+"[^>]*>', body)
    assert len(fields) == 9  # three empty rows: name, hours, category
    for field in fields:
        field_id = re.search(r'\bid="([^"]+)"', field).group(1)
        row = int(re.search(r"trainings-(\d+)-", field_id).group(1)) + 1
        label = re.search(rf'<label for="{field_id}">(.*?)</label>', body, re.S)
        assert label, field_id
        assert f"第{row}项培训" in label.group(1), (field_id, label.group(1))


def test_the_base_submits_from_the_form_page(client, base_admin, base):
    client.force_login(base_admin)
    response = client.post(reverse("courses:work_plan_new"), {"year": 2027, "content": "计划", **formset(TRAININGS, 2)})
    assert response.status_code == 302 and response["Location"] == reverse("courses:work_plans")
    plan = WorkPlan.objects.get(base=base, year=2027)
    assert list(plan.trainings.values_list("title", flat=True)) == ["公需科目线下专题培训"]


def test_a_base_admin_cannot_submit_for_another_base(client, base_admin, base):
    other = OrganisationFactory(provincial_base=True, parent=base.parent)
    client.force_login(base_admin)
    data = {"org": other.pk, "year": 2027, "content": "计划", **formset(TRAININGS)}
    client.post(reverse("courses:work_plan_new"), data)
    assert not WorkPlan.objects.filter(base=other).exists()
    assert WorkPlan.objects.filter(base=base, year=2027).exists()


def test_others_cannot_open_or_post_the_form(client, department_staff):
    client.force_login(department_staff)
    url = reverse("courses:work_plan_new")
    assert client.get(url).status_code == 403
    assert client.post(url, {"year": 2027, "content": "计划", **formset(TRAININGS)}).status_code == 403
    assert not WorkPlan.objects.exists()


# --- the decision: nothing preset, reason to return, confirmation to approve


def checked_decisions(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="decision" value="(\w+)"[^>]*\bchecked', html)


def test_no_decision_is_preset(client, department_staff, plan):
    client.force_login(department_staff)
    html = client.get(reverse("courses:plan_decide", args=[plan.pk])).content.decode()
    assert 'type="radio" name="decision" value="approve"' in html
    assert 'type="radio" name="decision" value="return"' in html
    assert checked_decisions(html) == []


def test_submitting_without_a_decision_is_an_error_and_changes_nothing(client, department_staff, plan):
    client.force_login(department_staff)
    response = client.post(reverse("courses:plan_decide", args=[plan.pk]), {"reason": "", "approved_on_arrival": "on"})
    assert response.status_code == 422
    assert "请选择审核结果（同意或退回）。" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED and plan.decided_at is None
    assert not AuditEvent.objects.filter(data__action="work_plan_decided").exists()


def test_returning_without_a_reason_keeps_the_choice_and_changes_nothing(client, department_staff, plan):
    client.force_login(department_staff)
    response = client.post(reverse("courses:plan_decide", args=[plan.pk]), {"decision": "return", "reason": " "})
    html = response.content.decode()
    assert response.status_code == 422 and "退回时必须填写理由。" in html
    assert checked_decisions(html) == ["return"]
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED


def test_an_approval_asks_for_confirmation_first(client, department_staff, plan):
    client.force_login(department_staff)
    url = reverse("courses:plan_decide", args=[plan.pk])
    response = client.post(url, {"decision": "approve", "reason": "同意实施", "approved_on_arrival": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "确认同意" in html and "不能撤回" in html
    assert 'name="confirmed" value="1"' in html and 'name="approved_on_arrival" value="on"' in html
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    response = client.post(
        url, {"decision": "approve", "reason": "同意实施", "approved_on_arrival": "on", "confirmed": "1"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED and plan.approved_on_arrival and plan.reason == "同意实施"
    assert plan.decided_by == department_staff


def test_a_return_needs_no_confirmation(client, department_staff, plan):
    client.force_login(department_staff)
    response = client.post(reverse("courses:plan_decide", args=[plan.pk]), {"decision": "return", "reason": "请补充"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.RETURNED and plan.reason == "请补充"


def test_only_the_managing_unit_decides(client, base_admin, plan):
    confirmed = {"decision": "approve", "confirmed": "1"}
    url = reverse("courses:plan_decide", args=[plan.pk])
    client.force_login(base_admin)  # the base itself: no right to decide
    assert client.post(url, confirmed).status_code == 403
    client.force_login(user_with_role(Role.DEPARTMENT_STAFF))  # the same role, another department
    assert client.post(url, confirmed).status_code == 404
    client.force_login(user_with_role(Role.PROVINCE_STAFF))  # not this base's managing unit either
    assert client.post(url, confirmed).status_code == 404
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
