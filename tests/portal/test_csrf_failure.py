"""A form sent without a valid CSRF token gets the portal's Chinese page (issue 22, audit), not
Django's English one."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_login_form_without_its_token_gets_a_chinese_403():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("accounts:login"), {"username": "liming", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "安全校验失败" in page and "CSRF" not in page and "Forbidden" not in page
    assert response["Content-Type"].startswith("text/html")
