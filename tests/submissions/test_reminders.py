"""Deadline reminders: who gets one, when, and never twice for the same mark."""

import pytest

from accounts.models import Role
from submissions import services
from submissions.reminders import send_deadline_reminders
from submissions.tasks import send_deadline_reminders as reminder_task
from tests.factories import user_with_role

from .factories import IN_TIME, pdf_upload, shanghai, word_upload

pytestmark = pytest.mark.django_db

SEVEN_DAYS_BEFORE = shanghai(2022, 4, 24, 0, 0, 0)
ONE_DAY_BEFORE = shanghai(2022, 4, 30, 0, 0, 0)


@pytest.fixture
def units(call, department, other_department, unit_user, other_unit_user):
    department.email = "wjw@example.cn"
    department.save()
    services.send_materials(
        call=call,
        unit=other_department,
        user=other_unit_user,
        title="山东省教育厅2022年度继续教育材料",
        word_file=word_upload(),
        pdf_file=pdf_upload(),
        now=IN_TIME,
    )
    return department, other_department


def test_unit_that_has_not_submitted_is_mailed_seven_days_before(units, unit_user, other_unit_user, mailoutbox):
    sent = send_deadline_reminders(now=SEVEN_DAYS_BEFORE).sent
    assert [r.days_before for r in sent] == [7]
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {"wjw@example.cn", unit_user.email}
    assert other_unit_user.email not in mailoutbox[0].to
    assert "山东省卫生健康委员会2022年度继续教育材料" in mailoutbox[0].body
    assert "截止时间为 2022年4月30日 23:59:59" in mailoutbox[0].body


def test_reminder_is_not_sent_twice_for_the_same_mark(units, mailoutbox):
    send_deadline_reminders(now=SEVEN_DAYS_BEFORE)
    send_deadline_reminders(now=shanghai(2022, 4, 25, 12, 0))
    assert len(mailoutbox) == 1


def test_one_day_before_a_second_reminder_goes_out(units, mailoutbox):
    send_deadline_reminders(now=SEVEN_DAYS_BEFORE)
    send_deadline_reminders(now=ONE_DAY_BEFORE)
    send_deadline_reminders(now=shanghai(2022, 4, 30, 12, 0))
    assert len(mailoutbox) == 2
    assert "1天" in mailoutbox[1].subject


def test_no_reminder_too_early_or_after_the_deadline(units, mailoutbox):
    send_deadline_reminders(now=shanghai(2022, 4, 20))
    send_deadline_reminders(now=shanghai(2022, 5, 1, 0, 0, 0))
    assert mailoutbox == []


def test_draft_only_unit_still_gets_a_reminder(call, department, unit_user, mailoutbox):
    services.send_materials(
        call=call,
        unit=department,
        user=unit_user,
        title="山东省卫生健康委员会2022年度继续教育材料",
        word_file=word_upload(),
        pdf_file=pdf_upload(),
        draft=True,
        now=IN_TIME,
    )
    send_deadline_reminders(now=ONE_DAY_BEFORE)
    assert len(mailoutbox) == 1


def test_professionals_of_the_unit_are_not_mailed(units, department, mailoutbox):
    professional = user_with_role(Role.PROFESSIONAL)
    send_deadline_reminders(now=ONE_DAY_BEFORE)
    assert professional.email not in mailoutbox[0].to


def test_beat_task_runs_the_reminders(units, mailoutbox, settings):
    from unittest import mock

    assert "submissions.tasks.send_deadline_reminders" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    with mock.patch("django.utils.timezone.now", return_value=ONE_DAY_BEFORE):
        # apply() runs the task here whether or not a broker is configured.
        assert reminder_task.apply().get() == {"sent": 1, "failed": 0}
    assert len(mailoutbox) == 1
