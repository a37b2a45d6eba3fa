"""A stored Word file that no longer opens (it got in before uploads were parsed, or a .doc)
never makes the compare page answer 500 (issue 13, point 3)."""

import pytest
from django.urls import reverse

from submissions import services

from .factories import word_upload
from .test_pages import sent

pytestmark = pytest.mark.django_db


def test_compare_with_an_unreadable_stored_version_explains_instead_of_crashing(
    client, call, department, unit_user, reviewer
):
    submission = sent(call, department, unit_user, word=word_upload("v1.docx", "一、学习内容", "旧的段落"))
    services.review_submission(submission=submission, reviewer=reviewer, accept=False, comment="修改")
    sent(call, department, unit_user, word=word_upload("v2.docx", "一、学习内容", "新的段落"))
    first = submission.versions.order_by("number").first()
    with open(first.word_file.path, "wb") as handle:
        handle.write(b"PK\x03\x04 broken beyond repair")
    client.force_login(reviewer)
    response = client.get(reverse("submissions:compare", args=[submission.pk]))
    assert response.status_code == 200
    assert response.context["comparison"]["unreadable"] is True
    assert "无法读取" in response.content.decode()
