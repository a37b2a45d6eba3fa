"""Decisions are explicit (issue 14, point 3): the review form preselects nothing, keeps the
reviewer's choice on an error, and an acceptance, which cannot be undone, is confirmed first."""

import re

import pytest
from django.urls import reverse

from submissions.models import Submission

from .test_pages import sent

pytestmark = pytest.mark.django_db


def checked_decisions(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="decision" value="(\w+)"[^>]*\bchecked', html)


def review(client, submission, **data):
    return client.post(reverse("submissions:review", args=[submission.pk]), data)


def test_the_form_preselects_no_decision(client, call, department, unit_user, reviewer):
    submission = sent(call, department, unit_user)
    client.force_login(reviewer)
    html = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert 'type="radio" name="decision" value="accept"' in html
    assert 'type="radio" name="decision" value="return"' in html
    assert checked_decisions(html) == []


def test_no_decision_is_an_error_and_changes_nothing(client, call, department, unit_user, reviewer):
    submission = sent(call, department, unit_user)
    client.force_login(reviewer)
    response = review(client, submission, comment="看过了")
    assert response.status_code == 422
    assert "请选择审核结论。" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_a_return_without_comment_keeps_the_return_chosen(client, call, department, unit_user, reviewer):
    submission = sent(call, department, unit_user)
    client.force_login(reviewer)
    response = review(client, submission, decision="return", comment="  ")
    html = response.content.decode()
    assert response.status_code == 422
    assert "退回修改时请填写审核意见。" in html
    assert checked_decisions(html) == ["return"]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    # Sending again with the comment returns the materials: it never turns into an acceptance.
    assert review(client, submission, decision="return", comment="请补充学时要求部分").status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED


def test_an_acceptance_asks_for_confirmation_before_it_is_final(client, call, department, unit_user, reviewer):
    submission = sent(call, department, unit_user)
    client.force_login(reviewer)
    response = review(client, submission, decision="accept", comment="材料齐全")
    html = response.content.decode()
    assert response.status_code == 200
    assert "确认审核通过" in html and "不能撤回" in html and "材料齐全" in html
    assert 'name="confirmed" value="1"' in html
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert review(client, submission, decision="accept", comment="材料齐全", confirmed="1").status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.review_comment == "材料齐全"


def test_the_confirmation_is_only_for_the_calls_reviewers(client, call, department, unit_user, association_admin):
    submission = sent(call, department, unit_user)
    client.force_login(association_admin)
    assert review(client, submission, decision="accept").status_code == 404
    client.force_login(unit_user)
    assert review(client, submission, decision="accept", confirmed="1").status_code == 403
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
