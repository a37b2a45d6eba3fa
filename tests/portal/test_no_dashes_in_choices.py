"""No drop-down shows Django's "---------": filters offer 全部, forms 请选择. Every page without
URL arguments is rendered for every role (and anonymously) and searched."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role

pytestmark = pytest.mark.django_db

DASHES = "---------"


def _paths(patterns=None, prefix=""):
    """Every URL of the project that takes no argument (a page one can open as it is)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.pattern.regex.groups:
                continue
            yield from _paths(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and not entry.pattern.regex.groups:
            route = prefix + str(entry.pattern)
            if "<" not in route and "(" not in route and "^" not in route and "$" not in route:
                yield "/" + route


SKIP = ("admin/", "api/", "static/", "media/", "logout", "__debug__")


def _pages():
    return sorted({p for p in _paths() if not any(s in p for s in SKIP)})


def test_there_are_pages_to_check():
    pages = _pages()
    assert "/courses/" in pages and len(pages) > 20


@pytest.mark.parametrize("role", [None, *Role])
def test_no_page_offers_dashes_as_a_choice(client, role_users, role):
    if role is not None:
        client.force_login(role_users[role])
    found = []
    for path in _pages():
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if DASHES in response.content.decode():
            found.append(path)
    assert found == [], found


def test_empty_choices_read_please_choose_on_forms_and_all_on_filters():
    from django import forms

    from courses.models import Topic
    from portal.choices import ALL, EmptyChoicePrompt, name_empty_choices

    class Form(EmptyChoicePrompt, forms.Form):
        topic = forms.ModelChoiceField(queryset=Topic.objects.all(), required=False)
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")], required=False)
        kinds = forms.MultipleChoiceField(choices=[("a", "甲")], required=False)

    form = Form()
    assert form.fields["topic"].empty_label == "请选择"
    assert list(form.fields["kind"].choices) == [("", "请选择"), ("a", "甲")]
    name_empty_choices(form, ALL)
    assert form.fields["topic"].empty_label == "全部"
    html = str(form)
    assert DASHES not in html and "全部" in html
