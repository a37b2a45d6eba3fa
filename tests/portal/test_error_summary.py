"""A failed submit opens with an error summary (issue 23, GOV.UK design system): at the top of the
main content, titled 提交未成功, one link per problem to the field's id (Django's auto_id), and the
page title starts with 错误：. One summary per page, for every form the view validated."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Role
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<div class="error-summary"[^>]*data-error-summary[^>]*>(.*?)</div>', re.S)


def summary_of(response) -> str:
    body = response.content.decode()
    found = SUMMARY.findall(body)
    assert len(found) == 1, "exactly one error summary on the page"
    return found[0]


def links_of(response) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', summary_of(response))


def assert_is_a_summary(response):
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>错误：" in body
    opening = re.search(r'<div class="error-summary"[^>]*>', body).group(0)
    assert 'role="alert"' in opening
    assert 'tabindex="-1"' in opening
    assert "提交未成功，请修改以下问题：" in summary_of(response)
    # At the top of the main content, before the page's own heading.
    main = body.index('id="main"')
    assert main < body.index('class="error-summary"') < body.index("<h1", main)


def assert_links_reach_fields(response, links):
    body = response.content.decode()
    for href in links:
        assert f'id="{href[1:]}"' in body, f"{href} points at nothing on the page"


def test_login_with_a_wrong_password_links_the_form_error_to_its_first_field(client):
    user_with_role(Role.PROFESSIONAL)
    response = client.post(reverse("accounts:login"), {"username": "nobody-here", "password": "wrong"})
    assert_is_a_summary(response)
    assert links_of(response) == ["#id_username"]
    assert_links_reach_fields(response, ["#id_username"])


def test_a_course_saved_without_title_and_hours_links_to_both_fields(client):
    base = OrganisationFactory(provincial_base=True)
    client.force_login(user_with_role(Role.BASE_ADMIN, base))
    response = client.post(reverse("courses:course_create"), {"org": base.pk, "title": ""})
    assert_is_a_summary(response)
    links = links_of(response)
    assert "#id_title" in links
    assert "#id_hours" in links
    assert "标题" in summary_of(response) or "课程名称" in summary_of(response)
    assert_links_reach_fields(response, links)
    body = response.content.decode()
    # The field says it is wrong and where its message is.
    title_input = re.search(r'<input[^>]*id="id_title"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in title_input
    assert 'aria-describedby="id_title_error"' in title_input
    assert 'id="id_title_error"' in body


def test_a_conversion_rule_row_error_links_into_the_formset(client, settings):
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    data = {
        "year": 2033,
        "min_total": "90",
        "min_public": "30",
        "min_professional": "60",
        "teaching_credit_multiplier": "2",
        "teaching_credit_category": "public",
        "notes": "",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-name": "发表论文",
        "rules-0-unit": "篇",
        "rules-0-hours_per_unit": "-1",
        "rules-0-category": "professional",
        "rules-0-order": "1",
    }
    response = client.post(reverse("credits:policy_new"), data)
    assert_is_a_summary(response)
    assert links_of(response) == ["#id_rules-0-hours_per_unit"]
    assert "第1项" in summary_of(response)
    assert_links_reach_fields(response, links_of(response))


def test_a_campaign_without_a_year_links_to_the_year(client):
    client.force_login(user_with_role(Role.ASSOCIATION_ADMIN))
    response = client.post(reverse("selection:manage_new"), {"year": "", "title": ""})
    assert_is_a_summary(response)
    assert links_of(response) == ["#id_year"]
    assert_links_reach_fields(response, ["#id_year"])


def test_a_call_without_a_name_or_deadline_links_to_each(client):
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    response = client.post(reverse("submissions:call_create"), {"year": "2027", "deadline": "明天"})
    assert_is_a_summary(response)
    links = links_of(response)
    assert {"#id_name", "#id_material", "#id_deadline"} <= set(links)
    assert "#id_year" not in links
    assert_links_reach_fields(response, links)


def test_pages_without_a_failed_submit_have_no_summary(client):
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    body = client.get(reverse("submissions:call_create")).content.decode()
    assert "error-summary" not in body
    assert "<title>错误：" not in body


class Person(forms.Form):
    name = forms.CharField(label="姓名")
    secret = forms.CharField(widget=forms.HiddenInput)


class Rows(forms.BaseFormSet):
    def clean(self):
        raise forms.ValidationError("至少填写一行。")


def render_summary(context: dict) -> str:
    return Template("{% load portal %}{% form_errors as errors %}{% include 'includes/error_summary.html' %}").render(
        Context(context)
    )


def test_formsets_give_row_links_and_their_own_errors_link_to_the_first_row():
    formset = forms.formset_factory(Person, formset=Rows, extra=0)(
        {"p-TOTAL_FORMS": "2", "p-INITIAL_FORMS": "0", "p-0-name": "张三", "p-0-secret": "x", "p-1-secret": "x"},
        prefix="p",
    )
    assert not formset.is_valid()
    html = render_summary({"rows": formset})
    assert re.findall(r'href="([^"]+)"', html) == ["#id_p-0-name", "#id_p-1-name"]
    assert "至少填写一行。" in html
    assert "第2项 姓名：" in html


def test_a_hidden_field_error_links_to_the_first_visible_field_and_unvalidated_forms_are_left_alone():
    failed = Person({"name": "张三"})
    assert not failed.is_valid()
    untouched = Person({})  # bound, but the view never asked: validating it here could query
    html = render_summary({"form": failed, "other": untouched, "same": failed})
    assert re.findall(r'href="([^"]+)"', html) == ["#id_name"]
    assert untouched._errors is None


class Decision(forms.Form):
    action = forms.ChoiceField(
        label="审核结论", choices=[("approve", "通过"), ("reject", "不通过")], widget=forms.RadioSelect
    )


def test_a_radio_group_error_links_to_its_first_option():
    form = Decision({}, auto_id="id_%s_7")
    assert not form.is_valid()
    html = render_summary({"form": form})
    assert re.findall(r'href="([^"]+)"', html) == ["#id_action_7_0"]
    assert 'id="id_action_7_0"' in form.as_div()
