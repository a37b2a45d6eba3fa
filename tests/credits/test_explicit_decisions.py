"""Decisions are explicit (issue 14, point 3): no default decision, the choice kept on an error,
a reason required to return, and a confirmation page before an approval that cannot be undone."""

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from credits.models import HourRecord, YearSummary

from .factories import professional_of
from .test_decision_place import deciders, self_report  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _decide(client, record, **data):
    return client.post(reverse("credits:decide", args=[record.pk]), data)


def _status(record):
    return HourRecord.objects.get(pk=record.pk).status


def test_queue_offers_both_decisions_with_none_chosen(client, policy, employer, deciders):  # noqa: F811
    record = self_report(professional_of(employer))
    client.force_login(deciders["jinan_employer"])
    body = client.get(reverse("credits:queue")).content.decode()
    assert f'id="id_action_{record.pk}_0"' in body and f'id="id_action_{record.pk}_1"' in body
    assert "退回修改" in body and " checked" not in body


def test_no_decision_chosen_is_an_error_and_changes_nothing(client, policy, employer, deciders):  # noqa: F811
    record = self_report(professional_of(employer))
    client.force_login(deciders["jinan_employer"])
    response = _decide(client, record, reason="")
    assert response.status_code == 200 and "请选择审核结果：通过或退回修改。" in response.content.decode()
    assert _status(record) == HourRecord.Status.PENDING


def test_return_without_reason_keeps_the_choice_and_asks_for_the_reason(client, policy, employer, deciders):  # noqa: F811
    record = self_report(professional_of(employer))
    client.force_login(deciders["jinan_employer"])
    response = _decide(client, record, action="reject", reason="  ")
    body = response.content.decode()
    assert response.status_code == 200 and "退回修改时请填写理由" in body
    assert response.context["form"]["action"].value() == "reject"
    assert re.search(r'<input[^>]*value="reject"[^>]*checked', body)
    assert not re.search(r'<input[^>]*value="approve"[^>]*checked', body)
    assert _status(record) == HourRecord.Status.PENDING
    # Sending it again with the reason returns it, never approves it.
    assert _decide(client, record, action="reject", reason="请补充签到表").status_code == 302
    record.refresh_from_db()
    assert record.status == HourRecord.Status.REJECTED and record.reason == "请补充签到表"


def test_approval_is_confirmed_on_its_own_page_first(client, policy, employer, deciders):  # noqa: F811
    record = self_report(professional_of(employer))
    client.force_login(deciders["jinan_employer"])
    response = _decide(client, record, action="approve", reason="")
    body = response.content.decode()
    assert response.status_code == 200 and "确认通过" in body and "不能撤销" in body
    assert 'name="confirm" value="1"' in body
    assert _status(record) == HourRecord.Status.PENDING
    assert _decide(client, record, action="approve", confirm="1").status_code == 302
    assert _status(record) == HourRecord.Status.APPROVED
    assert YearSummary.objects.get(professional=record.professional).public_hours == 2


def test_unknown_decision_is_refused(client, policy, employer, deciders):  # noqa: F811
    record = self_report(professional_of(employer))
    client.force_login(deciders["jinan_employer"])
    response = _decide(client, record, action="delete", confirm="1")
    assert response.status_code == 200 and _status(record) == HourRecord.Status.PENDING


def test_without_the_right_or_with_it_elsewhere_nothing_is_decided(client, policy, employer, deciders):  # noqa: F811
    person = professional_of(employer)
    record = self_report(person)
    client.force_login(person)  # a professional has no right to decide
    assert _decide(client, record, action="approve", confirm="1").status_code == 403
    client.force_login(deciders["qingdao_employer"])  # the right, for another employer's staff
    assert _decide(client, record, action="approve", confirm="1").status_code == 404
    assert _status(record) == HourRecord.Status.PENDING
    # Once the person has no employer, the bureau of their last employer's city decides, not another city.
    Membership.objects.filter(user=person).update(is_active=False)
    client.force_login(deciders["qingdao_bureau"])
    assert _decide(client, record, action="approve", confirm="1").status_code == 404
    client.force_login(deciders["jinan_bureau"])
    assert _decide(client, record, action="reject", reason="无证明").status_code == 302
    assert _status(record) == HourRecord.Status.REJECTED


def test_decide_needs_login(client, policy, employer):
    record = self_report(professional_of(employer))
    response = _decide(client, record, action="approve", confirm="1")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert _status(record) == HourRecord.Status.PENDING
