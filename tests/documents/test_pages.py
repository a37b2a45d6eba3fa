"""Pages: who may open them, job progress, access-checked downloads, query counts."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from documents import services
from documents.models import DocumentJob
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import PlatformFactory

pytestmark = pytest.mark.django_db

ALLOWED = {
    Role.PROFESSIONAL,
    Role.CITY_STAFF,
    Role.PROVINCE_STAFF,
    Role.DEPARTMENT_STAFF,
    Role.BASE_ADMIN,
    Role.ASSOCIATION_ADMIN,
}


@pytest.mark.parametrize("role", list(Role))
def test_documents_page_is_open_to_generating_roles_only(client, role_users, role):
    client.force_login(role_users[role])
    response = client.get(reverse("documents:index"))
    assert response.status_code == (200 if role in ALLOWED else 403)


def test_anonymous_is_sent_to_login(client):
    for url in (
        reverse("documents:index"),
        reverse("documents:job", args=[1]),
        reverse("documents:download", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_base_admin_sees_the_unit_options_and_starts_a_word_job(client, django_capture_on_commit_callbacks):
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    client.force_login(admin)
    page = client.get(reverse("documents:index"), {"year": 2022}).content.decode()
    assert "附件2 学习平台信息统计表" in page and "年度继续教育材料" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:start"), {"kind": "attachment2", "object_id": unit.pk, "format": "docx"}
        )
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:job", args=[job.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "已完成" in detail and 'http-equiv="refresh"' not in detail
    download = client.get(reverse("documents:download", args=[job.result_id]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_bad_data_is_shown_as_a_message_and_no_job_is_made(client):
    unit = user_with_role(Role.BASE_ADMIN)
    client.force_login(unit)
    org_id = unit.memberships.get().organisation_id
    response = client.post(
        reverse("documents:start"), {"kind": "attachment2", "object_id": org_id, "format": "docx"}, follow=True
    )
    assert "没有登记继续教育学习平台" in response.content.decode()
    assert not DocumentJob.objects.exists()


def test_pending_job_page_refreshes_itself_without_inline_script(client):
    admin = user_with_role(Role.BASE_ADMIN)
    job = DocumentJob.objects.create(kind="attachment2", format="docx", requested_by=admin, progress=40)
    client.force_login(admin)
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    # portal.js polls the status card; without script the page refreshes itself (only then:
    # a meta refresh is an axe-core critical finding).
    assert "data-job-poll" in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "w-40" in page
    # Scripts may only come from files (the CSP forbids inline ones); the refresh needs none.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


def test_other_users_job_and_other_units_file_are_not_found(client, django_capture_on_commit_callbacks):
    unit = PlatformFactory().owner
    owner = user_with_role(Role.BASE_ADMIN, unit)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(user=owner, kind="attachment2", fmt="docx", object_id=unit.pk)
    job.refresh_from_db()
    outsider = user_with_role(Role.BASE_ADMIN)
    client.force_login(outsider)
    assert client.get(reverse("documents:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[job.result_id])).status_code == 404
    colleague = user_with_role(Role.BASE_ADMIN, unit)
    client.force_login(colleague)
    assert client.get(reverse("documents:download", args=[job.result_id])).status_code == 200
    province = user_with_role(Role.PROVINCE_STAFF)
    client.force_login(province)
    assert client.get(reverse("documents:download", args=[job.result_id])).status_code == 200


def test_start_with_an_unknown_kind_or_get_is_refused(client):
    admin = user_with_role(Role.BASE_ADMIN)
    client.force_login(admin)
    assert client.post(reverse("documents:start"), {"kind": "nonsense"}).status_code == 404
    assert client.get(reverse("documents:start")).status_code == 405


@pytest.mark.parametrize("jobs", [1, 15])
def test_documents_page_query_count_does_not_grow_with_jobs(client, jobs):
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    for _ in range(jobs):
        DocumentJob.objects.create(kind="attachment2", format="docx", requested_by=admin, organisation=unit)
    client.force_login(admin)
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "selection_recommendation",
        "selection_excellentteachercertificate",
        "documents_documentjob",
        "documents_documentjob",
    ):
        response = client.get(reverse("documents:index"))
    assert response.content.decode().count("排队中") == jobs


def test_professional_downloads_the_hours_certificate_of_a_compliant_year(client, django_capture_on_commit_callbacks):
    from decimal import Decimal

    from tests.credits.factories import YearPolicyFactory, approved_record

    YearPolicyFactory(year=2022)
    professional = user_with_role(Role.PROFESSIONAL)
    approved_record(professional, hours=Decimal("40"), category="public")
    approved_record(professional, hours=Decimal("60"), category="professional")
    client.force_login(professional)
    page = client.get(reverse("documents:index"), {"year": 2022}).content.decode()
    assert "2022年度学时证明" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:start"),
            {"kind": "hours_certificate", "object_id": professional.pk, "year": 2022, "format": "docx"},
        )
    job = DocumentJob.objects.get()
    assert job.status == DocumentJob.Status.DONE
    download = client.get(reverse("documents:download", args=[job.result_id]))
    assert download.status_code == 200
    other = user_with_role(Role.PROFESSIONAL)
    client.force_login(other)
    assert client.get(reverse("documents:download", args=[job.result_id])).status_code == 404
    assert (
        client.post(
            reverse("documents:start"),
            {"kind": "hours_certificate", "object_id": professional.pk, "year": 2022, "format": "docx"},
        ).status_code
        == 404
    )
    assert response.status_code == 302


def test_department_staff_is_offered_its_study_guide_and_the_blank_template(client):
    from .factories import guide_with_sections

    guide = guide_with_sections()
    staff = user_with_role(Role.DEPARTMENT_STAFF, guide.department)
    client.force_login(staff)
    page = client.get(reverse("documents:index")).content.decode()
    assert "附件1 学习指南（空白参考格式）" in page
    assert f"附件1 2022年度学习指南（{guide.department.name}）" in page
    assert f'name="object_id" value="{guide.pk}"' in page


@pytest.mark.parametrize(
    ("role", "label"),
    [
        (Role.DEPARTMENT_STAFF, "生成报送材料"),
        (Role.BASE_ADMIN, "生成报送材料"),
        (Role.CITY_STAFF, "生成报送材料"),
    ],
)
def test_menu_links_the_documents_page_for_the_role(client, role_users, role, label):
    client.force_login(role_users[role])
    page = client.get(reverse("portal:home")).content.decode()
    assert label in page and reverse("documents:index") in page


def test_the_professionals_certificate_item_opens_their_years_not_the_documents_page(client, role_users):
    """Issue 23: 下载学时证明 lists the years that can be certified (credits:certificates)."""
    client.force_login(role_users[Role.PROFESSIONAL])
    page = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("credits:certificates")}"' in page and "下载学时证明" in page


def test_failed_job_page_offers_to_generate_again(client):
    admin = user_with_role(Role.BASE_ADMIN)
    job = DocumentJob.objects.create(
        kind="attachment2", format="pdf", requested_by=admin, object_id=7, status="failed", message="超时"
    )
    client.force_login(admin)
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "重新生成" in page and reverse("documents:retry", args=[job.pk]) in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.parametrize("role", sorted(set(Role) - ALLOWED))
def test_roles_that_may_not_generate_are_refused_on_every_documents_page(client, role_users, role):
    owner = user_with_role(Role.BASE_ADMIN)
    job = DocumentJob.objects.create(kind="attachment2", format="docx", requested_by=owner)
    client.force_login(role_users[role])
    assert client.get(reverse("documents:job", args=[job.pk])).status_code == 403
    assert client.get(reverse("documents:download", args=[1])).status_code == 403
    response = client.post(reverse("documents:start"), {"kind": "attachment1", "format": "docx"})
    assert response.status_code == 403
    assert DocumentJob.objects.count() == 1


def test_without_libreoffice_the_page_says_so_and_offers_word_only(client, settings):
    settings.LIBREOFFICE_BINARY = "/nonexistent/soffice"
    unit = PlatformFactory().owner
    client.force_login(user_with_role(Role.BASE_ADMIN, unit))
    page = client.get(reverse("documents:index")).content.decode()
    assert "服务器未安装 LibreOffice，暂时只能生成 Word 版。" in page
    assert 'value="docx"' in page and 'value="pdf"' not in page
