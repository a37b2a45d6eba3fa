"""The one set of view helpers (portal.pages): paging with one page size, a service's errors on a
form or as messages."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from portal.pages import add_errors, error_messages, paginate


class TitleForm(forms.Form):
    title = forms.CharField()


def test_paginate_uses_the_page_size_from_settings(settings):
    settings.PAGINATE_BY = 3
    page = paginate(RequestFactory().get("/", {"page": "2"}), list(range(7)))
    assert list(page) == [3, 4, 5] and page.paginator.num_pages == 3


def test_paginate_takes_a_per_view_size_and_forgives_a_bad_page_number(settings):
    settings.PAGINATE_BY = 3
    assert list(paginate(RequestFactory().get("/", {"page": "x"}), list(range(7)), 5)) == [0, 1, 2, 3, 4]
    assert list(paginate(RequestFactory().get("/", {"page": "99"}), list(range(7)), 5)) == [5, 6]


def test_add_errors_puts_field_errors_on_their_field_and_the_rest_above_the_form():
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    add_errors(form, ValidationError({"title": "标题已存在。", "year": "年度不对。"}))
    assert form.errors["title"] == ["标题已存在。"]
    assert form.non_field_errors() == ["年度不对。"]


def test_add_errors_with_a_plain_error_goes_above_the_form():
    form = TitleForm({"title": "x"})
    form.is_valid()
    add_errors(form, ValidationError(["一", "二"]))
    assert form.non_field_errors() == ["一", "二"]


@pytest.mark.django_db
def test_error_messages_shows_each_message():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    error_messages(request, ValidationError(["已截止。", "请重试。"]))
    assert [m.message for m in get_messages(request)] == ["已截止。", "请重试。"]


def test_pages_use_the_one_set_of_helpers():
    """No view module pages or shows service errors its own way."""
    import re
    from pathlib import Path

    from django.conf import settings as django_settings

    root = Path(django_settings.BASE_DIR)
    own_helper = re.compile(r"Paginator\(|def _?(add_errors|error_messages|paginate|_page)\(")
    offenders = [
        str(path.relative_to(root))
        for app in django_settings.PROJECT_APPS
        for path in (root / app).rglob("*.py")
        if path != root / "portal" / "pages.py" and own_helper.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
