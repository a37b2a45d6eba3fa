"""One refused mailbox does not stop a reminder run (issue 16): the other units are reminded, the
failure is logged with its recipient, counted, kept for the reviewers' page and tried again."""

import logging

import pytest
from django.urls import reverse

from accounts.models import Organisation, Role
from submissions.models import ReminderFailure, ReminderSent
from submissions.reminders import send_deadline_reminders
from submissions.tasks import send_deadline_reminders as reminder_task
from tests import mail
from tests.factories import OrganisationFactory, user_with_role

from .factories import shanghai

pytestmark = pytest.mark.django_db

SEVEN_DAYS_BEFORE = shanghai(2022, 4, 24, 0, 0, 0)
ONE_DAY_BEFORE = shanghai(2022, 4, 30, 0, 0, 0)
BAD = "broken-mailbox@example.cn"


@pytest.fixture
def refusing_mail(settings):
    settings.EMAIL_BACKEND = "tests.mail.RefusingSomeBackend"
    mail.REFUSED_ADDRESSES.add(BAD)
    yield
    mail.REFUSED_ADDRESSES.discard(BAD)


@pytest.fixture
def three_units(call, department, other_department):
    third = OrganisationFactory(name="山东省交通运输厅", kind=Organisation.Kind.INDUSTRY_DEPARTMENT)
    for unit, address in ((department, "wjw@example.cn"), (other_department, BAD), (third, "jtt@example.cn")):
        unit.email = address
        unit.save()
    return department, other_department, third


def test_one_refused_mailbox_does_not_stop_the_others(three_units, refusing_mail, mailoutbox, caplog):
    department, broken, third = three_units
    with caplog.at_level(logging.WARNING, logger="submissions"):
        run = send_deadline_reminders(now=SEVEN_DAYS_BEFORE)
    assert sorted(r.unit_id for r in run.sent) == sorted([department.pk, third.pk])
    assert [r.unit_id for r in run.failed] == [broken.pk]
    assert sorted(m.to[0] for m in mailoutbox) == ["jtt@example.cn", "wjw@example.cn"]
    failure_lines = [r for r in caplog.records if r.levelno == logging.WARNING and BAD in r.getMessage()]
    assert len(failure_lines) == 1 and failure_lines[0].name == "submissions.reminders"
    assert any(r.levelno == logging.ERROR and "2 sent, 1 failed" in r.getMessage() for r in caplog.records)
    failure = ReminderFailure.objects.get()
    assert (failure.unit, failure.days_before, failure.recipients) == (broken, 7, [BAD])
    assert "mailbox unavailable" in failure.error
    # The refused reminder is not recorded as sent, so the next run tries it again.
    assert not ReminderSent.objects.filter(unit=broken).exists()


def test_the_refused_unit_is_tried_again_and_reminded_once_its_mailbox_works(three_units, refusing_mail, mailoutbox):
    _department, broken, _third = three_units
    send_deadline_reminders(now=SEVEN_DAYS_BEFORE)
    mail.REFUSED_ADDRESSES.discard(BAD)
    run = send_deadline_reminders(now=shanghai(2022, 4, 24, 12, 0, 0))
    assert [r.unit_id for r in run.sent] == [broken.pk] and run.failed == []
    assert ReminderSent.objects.filter(unit=broken, days_before=7).exists()


def test_the_task_reports_sent_and_failed(three_units, refusing_mail, mailoutbox):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=ONE_DAY_BEFORE):
        assert reminder_task.apply().get() == {"sent": 2, "failed": 1}


def test_the_reviewers_page_lists_the_failure(three_units, refusing_mail, mailoutbox, client, reviewer, call):
    send_deadline_reminders(now=SEVEN_DAYS_BEFORE)
    client.force_login(reviewer)
    page = client.get(reverse("submissions:call_status", args=[call.pk])).content.decode()
    assert "截止提醒发送失败 1 封" in page
    assert BAD in page


def test_the_failure_is_not_shown_to_a_unit_or_another_receiver(three_units, refusing_mail, client, call, unit_user):
    send_deadline_reminders(now=SEVEN_DAYS_BEFORE)
    other_province = OrganisationFactory(name="另一接收单位", kind=Organisation.Kind.PROVINCIAL_BUREAU)
    for user in (unit_user, user_with_role(Role.PROVINCE_STAFF, other_province)):
        client.force_login(user)
        response = client.get(reverse("submissions:call_status", args=[call.pk]))
        assert response.status_code in (403, 404)
        assert BAD not in response.content.decode()
