"""HTML pages: who may open them, the unit's send flow, the reviewer's table, files and exports."""

import io
import sys
import types
import zipfile
from unittest import mock
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Organisation, Role
from submissions import services
from submissions.models import Submission
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import IN_TIME, CallFactory, pdf_upload, shanghai, word_upload

pytestmark = pytest.mark.django_db

TITLE = "山东省卫生健康委员会2022年度继续教育材料"
UNIT_ROLES = {Role.DEPARTMENT_STAFF, Role.BASE_ADMIN, Role.CITY_STAFF}
REVIEWER_ROLES = {Role.PROVINCE_STAFF, Role.ASSOCIATION_ADMIN}


def sent(call, unit, user, title=TITLE, *, word=None):
    return services.send_materials(
        call=call,
        unit=unit,
        user=user,
        title=title,
        word_file=word or word_upload(),
        pdf_file=pdf_upload(),
        now=IN_TIME,
    )


@pytest.mark.parametrize("role", Role.values)
def test_unit_page_is_for_unit_staff_only(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(reverse("submissions:my_calls"))
    assert response.status_code == (200 if role in UNIT_ROLES else 403)


@pytest.mark.parametrize("role", Role.values)
def test_review_page_is_for_reviewers_only(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(reverse("submissions:review_calls"))
    assert response.status_code == (200 if role in REVIEWER_ROLES else 403)


@pytest.mark.parametrize("name", ["submissions:my_calls", "submissions:review_calls"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_nav_items_for_unit_and_reviewer_roles():
    from portal.navigation import items_for_role

    for role in UNIT_ROLES:
        assert "材料报送" in [str(i.label) for i in items_for_role(role)]
    for role in REVIEWER_ROLES:
        assert "材料审核" in [str(i.label) for i in items_for_role(role)]


def test_my_calls_shows_deadline_and_countdown(client, call, unit_user):
    client.force_login(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 4, 28, 21, 59, 59)):
        html = client.get(reverse("submissions:my_calls")).content.decode()
    assert call.name in html
    assert "2022年4月30日 23:59:59" in html
    assert "剩余 2 天 2 小时" in html


def test_send_form_proposes_the_title(client, call, unit_user):
    client.force_login(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=IN_TIME):
        response = client.get(reverse("submissions:send", args=[call.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == TITLE


def test_send_through_the_form(client, call, unit_user):
    client.force_login(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=IN_TIME):
        response = client.post(
            reverse("submissions:send", args=[call.pk]),
            {"title": TITLE, "word_file": word_upload(), "pdf_file": pdf_upload(), "submit": "1"},
        )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("submissions:detail", args=[submission.pk])
    assert submission.status == Submission.Status.SUBMITTED


def test_form_with_one_file_shows_the_error_and_stores_nothing(client, call, unit_user):
    client.force_login(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=IN_TIME):
        response = client.post(
            reverse("submissions:send", args=[call.pk]), {"title": TITLE, "word_file": word_upload()}
        )
    assert response.status_code == 422
    assert "请上传PDF版文件" in response.content.decode()
    assert not Submission.objects.exists()


def test_page_says_the_deadline_has_passed_and_refuses(client, call, unit_user):
    client.force_login(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 5, 1, 0, 0, 0)):
        page = client.get(reverse("submissions:send", args=[call.pk])).content.decode()
        response = client.post(
            reverse("submissions:send", args=[call.pk]),
            {"title": TITLE, "word_file": word_upload(), "pdf_file": pdf_upload()},
        )
    assert "报送已于 2022-05-01 00:00:00 截止" not in page
    assert "报送已于 2022年4月30日 23:59:59 截止" in page
    assert response.status_code == 422
    assert "不能再报送" in response.content.decode()
    assert not Submission.objects.exists()


def test_send_page_for_call_not_asked_of_unit_is_404(client, call):
    client.force_login(user_with_role(Role.BASE_ADMIN))
    assert client.get(reverse("submissions:send", args=[call.pk])).status_code == 404


def test_files_are_served_to_the_unit_and_reviewers_only(
    client, call, department, unit_user, other_unit_user, reviewer, association_admin
):
    version = sent(call, department, unit_user).current_version
    for kind in ("word", "pdf"):
        url = reverse("submissions:download", args=[version.pk, kind])
        client.force_login(unit_user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        client.force_login(reviewer)
        assert client.get(url).status_code == 200
        for outsider in (other_unit_user, association_admin):
            client.force_login(outsider)
            assert client.get(url).status_code == 404


def test_another_units_submission_page_is_404(client, call, department, unit_user, other_unit_user):
    submission = sent(call, department, unit_user)
    client.force_login(other_unit_user)
    assert client.get(reverse("submissions:detail", args=[submission.pk])).status_code == 404
    client.force_login(unit_user)
    assert client.get(reverse("submissions:detail", args=[submission.pk])).status_code == 200


def test_reviewer_returns_with_comment_and_unit_sees_it(client, call, department, unit_user, reviewer):
    submission = sent(call, department, unit_user)
    client.force_login(reviewer)
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 5, 3, 9, 0)):
        response = client.post(
            reverse("submissions:review", args=[submission.pk]),
            {"decision": "return", "comment": "请补充学时要求部分", "resubmit_by": "2022-05-10"},
        )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.resubmit_by == shanghai(2022, 5, 10, 23, 59, 59)
    client.force_login(unit_user)
    assert "请补充学时要求部分" in client.get(reverse("submissions:my_calls")).content.decode()


def test_reviewer_of_another_call_cannot_review_or_see_it(client, call, department, unit_user, association_admin):
    submission = sent(call, department, unit_user)
    client.force_login(association_admin)
    assert client.post(reverse("submissions:review", args=[submission.pk]), {"decision": "accept"}).status_code == 404
    assert client.get(reverse("submissions:call_status", args=[call.pk])).status_code == 404
    assert client.get(reverse("submissions:call_export", args=[call.pk])).status_code == 404
    assert client.get(reverse("submissions:call_zip", args=[call.pk])).status_code == 404
    assert client.get(reverse("submissions:extension_create", args=[call.pk])).status_code == 404
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def _units(n):
    return [OrganisationFactory(name=f"行业厅{i}", kind=Organisation.Kind.INDUSTRY_DEPARTMENT) for i in range(n)]


@pytest.mark.parametrize("n", [1, 30])
def test_state_table_query_count_is_constant(client, call, reviewer, n, settings):
    settings.PAGINATE_BY = 25
    for i, unit in enumerate(_units(n)):
        submission = sent(call, unit, reviewer, f"{unit.name}2022年度继续教育材料")
        if i % 2:
            services.review_submission(submission=submission, reviewer=reviewer, accept=True)
    client.force_login(reviewer)
    # session, user, roles, call, units, submissions, extensions (+ savepoints of the test client)
    for page in (1, 2):
        with expect_queries(
            "django_session",
            "accounts_user",
            "accounts_membership",
            "submissions_call",
            "accounts_organisation",
            "submissions_submission",
            "submissions_extension",
            "submissions_reminderfailure",
        ):
            response = client.get(reverse("submissions:call_status", args=[call.pk]), {"page": page})
        assert response.status_code == 200
        assert "<svg" in response.content.decode()
    assert response.context["total"] == n


def test_state_table_is_paginated_and_keeps_filters_and_counts_over_all_units(client, call, reviewer, settings):
    settings.PAGINATE_BY = 25
    units = _units(27)
    sent(call, units[0], reviewer, f"{units[0].name}2022年度继续教育材料")
    client.force_login(reviewer)
    url = reverse("submissions:call_status", args=[call.pk])
    first = client.get(url)
    assert len(first.context["rows"]) == 25
    assert first.context["page"].paginator.num_pages == 2
    assert "page=2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 2
    assert {r.unit for r in first.context["rows"]} | {r.unit for r in second.context["rows"]} == set(units)
    counts = {state: count for state, _label, count in second.context["counts"]}
    assert (second.context["total"], counts["submitted"], counts["missing"]) == (27, 1, 26)
    filtered = client.get(url, {"state": "missing", "page": 2})
    assert len(filtered.context["rows"]) == 1
    assert "state=missing" in filtered.content.decode().split('class="pagination"')[1]
    beyond = client.get(url, {"page": 99})
    assert beyond.status_code == 200
    assert beyond.context["page"].number == 2


def test_state_table_filters_and_counts(client, call, department, other_department, unit_user, reviewer):
    sent(call, department, unit_user)
    client.force_login(reviewer)
    response = client.get(reverse("submissions:call_status", args=[call.pk]), {"state": "missing"})
    assert [r.unit for r in response.context["rows"]] == [other_department]
    counts = {state: count for state, _label, count in response.context["counts"]}
    assert counts["submitted"] == 1
    assert counts["missing"] == 1


def test_export_state_table_xlsx(client, call, department, other_department, unit_user, reviewer):
    sent(call, department, unit_user)
    client.force_login(reviewer)
    response = client.get(reverse("submissions:call_export", args=[call.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert quote(f"{call.name}-报送情况.xlsx") in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[:3] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert ("山东省卫生健康委员会", "省级行业主管部门", "已报送待审") in values
    assert ("山东省教育厅", "省级行业主管部门", "未报送") in values
    # Moments as every export writes them, in Beijing time (issue 23).
    deadlines = {row[0]: row[7] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert deadlines["山东省教育厅"] == "2022年4月30日 23:59:59"


def test_zip_holds_accepted_files_only(
    client, call, department, other_department, unit_user, other_unit_user, reviewer
):
    accepted = sent(call, department, unit_user)
    services.review_submission(submission=accepted, reviewer=reviewer, accept=True)
    sent(call, other_department, other_unit_user, "山东省教育厅2022年度继续教育材料")
    client.force_login(reviewer)
    response = client.get(reverse("submissions:call_zip", args=[call.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert quote(f"{call.name}-已通过材料.zip") in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [f"{TITLE}.docx", f"{TITLE}.pdf"]
    assert archive.read(f"{TITLE}.pdf").startswith(b"%PDF-")


def test_compare_shows_word_text_changes(client, call, department, unit_user, reviewer):
    submission = sent(call, department, unit_user, word=word_upload("v1.docx", "一、学习内容", "旧的段落"))
    services.review_submission(submission=submission, reviewer=reviewer, accept=False, comment="修改")
    sent(call, department, unit_user, word=word_upload("v2.docx", "一、学习内容", "新的段落"))
    client.force_login(reviewer)
    response = client.get(reverse("submissions:compare", args=[submission.pk]))
    assert response.status_code == 200
    tags = {(line["tag"], line["text"]) for line in response.context["comparison"]["lines"]}
    assert {("removed", "旧的段落"), ("added", "新的段落"), ("same", "一、学习内容")} <= tags


def test_province_staff_create_calls_others_may_not(client, province, reviewer, association_admin):
    data = {
        "year": 2023,
        "name": "2023年度继续教育工作通知",
        "material": "继续教育工作通知",
        "audience": "city_bureaus",
        "receiver": province.pk,
        "deadline": "2023-04-30 23:59:59",
    }
    client.force_login(association_admin)
    assert client.post(reverse("submissions:call_create"), data).status_code == 403
    client.force_login(reviewer)
    response = client.post(reverse("submissions:call_create"), data)
    assert response.status_code == 302
    from submissions.models import Call

    call = Call.objects.get(year=2023)
    assert call.deadline == shanghai(2023, 4, 30, 23, 59, 59)


def test_reviewer_grants_an_extension(client, call, department, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("submissions:extension_create", args=[call.pk]),
        {"unit": department.pk, "deadline": "2022-05-10 23:59:59", "reason": "机构改革"},
    )
    assert response.status_code == 302
    assert call.extensions.get().reason == "机构改革"


def test_review_page_shows_study_guide_format_report_when_checker_exists(
    client, call, department, unit_user, reviewer, monkeypatch
):
    submission = sent(call, department, unit_user)
    checker = types.ModuleType("documents.checker")
    checker.check_study_guide_docx = lambda file: {"ok": False, "problems": ["标题字体应为方正小标宋"]}
    monkeypatch.setitem(sys.modules, "documents.checker", checker)
    client.force_login(reviewer)
    html = client.get(reverse("submissions:detail", args=[submission.pk])).content.decode()
    assert "标题字体应为方正小标宋" in html


def test_association_reviews_its_own_calls(client, association, association_admin):
    call = CallFactory(receiver=association, audience="evaluation_entrants", name="优质在线公需课推荐材料")
    client.force_login(association_admin)
    assert client.get(reverse("submissions:call_status", args=[call.pk])).status_code == 200
    assert call.name in client.get(reverse("submissions:review_calls")).content.decode()


def test_review_page_shows_the_documents_checkers_report_for_a_study_guide(
    client, call, department, unit_user, reviewer
):
    submission = sent(call, department, unit_user, word=word_upload("指南.docx", "2022年度专业技术人员继续教育指南"))
    client.force_login(reviewer)
    response = client.get(reverse("submissions:detail", args=[submission.pk]))
    report = response.context["format_report"]
    assert report["ok"] is False
    assert any("缺少标题" in item for item in report["items"])
    assert "与参考格式不一致" in response.content.decode()


def test_no_format_report_for_other_calls(client, province, reviewer):
    call = CallFactory(receiver=province, audience="city_bureaus")
    bureau = OrganisationFactory(name="济南市人力资源和社会保障局", kind=Organisation.Kind.CITY_BUREAU)
    submission = sent(call, bureau, reviewer, "济南市人力资源和社会保障局2022年度继续教育材料")
    client.force_login(reviewer)
    assert client.get(reverse("submissions:detail", args=[submission.pk])).context["format_report"] is None


def _draft(call, department, unit_user):
    return services.send_materials(
        call=call,
        unit=department,
        user=unit_user,
        title=TITLE,
        word_file=word_upload(),
        pdf_file=pdf_upload(),
        draft=True,
        now=IN_TIME,
    )


@pytest.mark.parametrize("role", Role.values)
def test_submit_draft_page_action_per_role(client, role_users, call, department, unit_user, role):
    draft = _draft(call, department, unit_user)
    client.force_login(role_users[role])
    with mock.patch("django.utils.timezone.now", return_value=IN_TIME):
        response = client.post(reverse("submissions:submit_draft", args=[draft.pk]))
    # Other units' staff may use the action but this draft is not theirs; reviewers never see drafts.
    assert response.status_code == (404 if role in UNIT_ROLES else 403)
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT


def test_unit_submits_its_draft_from_the_page(client, call, department, unit_user):
    draft = _draft(call, department, unit_user)
    client.force_login(unit_user)
    assert client.get(reverse("submissions:submit_draft", args=[draft.pk])).status_code == 405
    with mock.patch("django.utils.timezone.now", return_value=IN_TIME):
        response = client.post(reverse("submissions:submit_draft", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Submission.Status.SUBMITTED


def test_draft_submitted_from_the_page_after_the_deadline_is_refused(client, call, department, unit_user):
    draft = _draft(call, department, unit_user)
    client.force_login(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 5, 1, 0, 0, 0)):
        response = client.post(reverse("submissions:submit_draft", args=[draft.pk]), follow=True)
    assert "报送已截止" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT


def test_submit_draft_sends_anonymous_to_login(client, call, department, unit_user):
    draft = _draft(call, department, unit_user)
    response = client.post(reverse("submissions:submit_draft", args=[draft.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_reviewer_of_another_call_cannot_grant_an_extension(client, call, department, association_admin):
    client.force_login(association_admin)
    response = client.post(
        reverse("submissions:extension_create", args=[call.pk]),
        {"unit": department.pk, "deadline": "2022-05-10 23:59:59", "reason": "机构改革"},
    )
    assert response.status_code == 404
    assert not call.extensions.exists()


def test_a_second_call_for_the_same_year_audience_and_receiver_is_refused(client, province, reviewer):
    data = {
        "year": 2023,
        "name": "2023年度继续教育工作通知",
        "material": "继续教育工作通知",
        "audience": "city_bureaus",
        "receiver": province.pk,
        "deadline": "2023-04-30 23:59:59",
    }
    client.force_login(reviewer)
    assert client.post(reverse("submissions:call_create"), data).status_code == 302
    response = client.post(reverse("submissions:call_create"), {**data, "name": "重复的通知"})
    assert response.status_code == 200
    errors = response.context["form"].errors["__all__"]
    assert errors == ["包含 年度，报送单位范围 和 接收单位 的 材料报送通知 已经存在。"]
    from submissions.models import Call

    assert list(Call.objects.values_list("name", flat=True)) == ["2023年度继续教育工作通知"]
