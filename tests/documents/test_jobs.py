"""Jobs: generate once per input, reuse, package ZIP, clear failures, LibreOffice hang then retry."""

import hashlib
import io
import shutil
import zipfile

import pytest

from accounts.models import Role
from documents import samples, services
from documents.generators import DocumentInputError
from documents.models import DocumentJob, GeneratedDocument
from tests.factories import OrganisationFactory, user_with_role

from .factories import PlatformFactory, guide_with_sections, unit_package
from .helpers import needs_libreoffice, open_docx

pytestmark = pytest.mark.django_db


def run(user, kind, fmt="docx", object_id=None, year=None, capture=None) -> DocumentJob:
    with capture(execute=True):
        job = services.start_job(user=user, kind=kind, fmt=fmt, object_id=object_id, year=year)
    job.refresh_from_db()
    return job


def test_word_job_stores_the_file_with_its_sha256_and_reports_done(django_capture_on_commit_callbacks):
    guide = guide_with_sections()
    staff = user_with_role(Role.DEPARTMENT_STAFF, guide.department)
    job = run(staff, "attachment1", object_id=guide.pk, capture=django_capture_on_commit_callbacks)
    assert (job.status, job.progress) == (DocumentJob.Status.DONE, 100)
    document = job.result
    content = document.file.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.size == len(content)
    assert document.owner_organisation == guide.department
    assert document.source_id == guide.pk
    assert document.filename.endswith(".docx") and "2022年度专业技术人员继续教育指南" in document.filename
    texts = [p.text for p in open_docx(content).paragraphs]
    assert texts[:4] == [
        "2022年度卫生健康专业技术人员继续教育指南",
        "山东省卫生健康委员会测试",
        "一、学习内容",
        "（一）卫生健康法律法规",
    ]
    assert "（1）病历书写" in texts and "二、学时要求" in texts and "四、相关要求" in texts


def test_same_request_with_unchanged_data_reuses_the_stored_file(django_capture_on_commit_callbacks):
    guide = guide_with_sections()
    staff = user_with_role(Role.DEPARTMENT_STAFF, guide.department)
    first = run(staff, "attachment1", object_id=guide.pk, capture=django_capture_on_commit_callbacks)
    second = run(staff, "attachment1", object_id=guide.pk, capture=django_capture_on_commit_callbacks)
    assert first.result_id == second.result_id
    assert GeneratedDocument.objects.count() == 1
    guide.sections.filter(level=1).update(heading="卫生健康法规（修订）")
    third = run(staff, "attachment1", object_id=guide.pk, capture=django_capture_on_commit_callbacks)
    assert third.result_id != first.result_id
    assert GeneratedDocument.objects.count() == 2


def test_a_finished_job_run_again_is_left_alone(django_capture_on_commit_callbacks):
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    job = run(admin, "attachment2", object_id=unit.pk, capture=django_capture_on_commit_callbacks)
    again = services.run_job(job_id=job.pk)
    assert (again.result_id, again.attempts) == (job.result_id, 1)


def test_unit_with_no_platforms_is_told_so_when_starting_attachment2():
    unit = OrganisationFactory(national_base=True)
    admin = user_with_role(Role.BASE_ADMIN, unit)
    with pytest.raises(DocumentInputError, match="没有登记继续教育学习平台"):
        services.start_job(user=admin, kind="attachment2", fmt="docx", object_id=unit.pk)
    assert not DocumentJob.objects.exists()


def test_data_gone_bad_after_queueing_fails_the_job_with_the_reason():
    platform = PlatformFactory()
    unit = platform.owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    job = DocumentJob.objects.create(kind="attachment2", format="docx", requested_by=admin, object_id=unit.pk)
    type(platform).objects.filter(pk=platform.pk).update(is_active=False)
    job = services.run_job(job_id=job.pk)
    assert job.status == DocumentJob.Status.FAILED
    assert "没有登记继续教育学习平台" in job.message
    assert job.result is None


def test_another_units_object_is_not_found():
    unit = PlatformFactory().owner
    outsider = user_with_role(Role.BASE_ADMIN)
    from django.http import Http404

    with pytest.raises(Http404):
        services.start_job(user=outsider, kind="attachment2", fmt="docx", object_id=unit.pk)
    assert not DocumentJob.objects.exists()


def test_recommendation_without_pledge_gets_a_clear_error_for_attachment4_and_the_package():
    unit, recommendations = unit_package(with_pledges=False)
    admin = user_with_role(Role.BASE_ADMIN, unit)
    with pytest.raises(DocumentInputError, match="尚未填写知识产权保护承诺书"):
        services.start_job(user=admin, kind="attachment4", fmt="docx", object_id=recommendations[0].pk)
    with pytest.raises(DocumentInputError, match="尚未填写知识产权保护承诺书"):
        services.start_job(user=admin, kind="package", fmt="zip", object_id=unit.pk, year=2022)
    assert not DocumentJob.objects.exists()
    assert not GeneratedDocument.objects.exists()


@pytest.mark.libreoffice
@needs_libreoffice
def test_package_zips_attachments_2_3_and_a_pledge_per_course_in_word_and_pdf_reporting_progress(
    django_capture_on_commit_callbacks,
):
    unit, _recs = unit_package()
    admin = user_with_role(Role.BASE_ADMIN, unit)
    seen: list[int] = []
    target = services.resolve(kind="package", object_id=unit.pk, year=2022, user=admin)
    package = services.produce_package(target, progress=seen.append)
    assert len(seen) == 8 and seen == sorted(set(seen)) and seen[-1] == 95  # one step per file, 100 when stored
    job = run(admin, "package", "zip", object_id=unit.pk, year=2022, capture=django_capture_on_commit_callbacks)
    assert job.status == DocumentJob.Status.DONE, job.message
    assert (job.result_id, job.progress) == (package.pk, 100)  # unchanged data: the stored ZIP is reused
    assert job.result.filename == f"{unit.name}2022年度继续教育材料.zip"
    with zipfile.ZipFile(io.BytesIO(job.result.file.read())) as archive:
        names = sorted(archive.namelist())
        assert all(archive.read(n) for n in names)
    assert len(names) == 8  # attachments 2, 3 and two 4s, each as Word and PDF
    assert sum(n.startswith("附件4_") for n in names) == 4
    assert {n.rsplit(".", 1)[1] for n in names} == {"docx", "pdf"}
    assert "附件1" not in "".join(names)  # a CE base publishes no study guide


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_hanging_then_the_automatic_retry_works(settings, tmp_path, django_capture_on_commit_callbacks):
    marker = tmp_path / "hung-once"
    fake = tmp_path / "soffice"
    real = shutil.which("soffice")
    fake.write_text(
        f'#!/bin/sh\nif [ ! -e "{marker}" ]; then touch "{marker}"; exec sleep 300; fi\nexec "{real}" "$@"\n'
    )
    fake.chmod(0o755)
    settings.LIBREOFFICE_BINARY = str(fake)
    # The hang is killed after 5 s; the retry gets 10 s, the one after 20 s (a cold soffice on a
    # loaded machine may need them).
    settings.LIBREOFFICE_TIMEOUT = 5
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    job = run(admin, "attachment2", "pdf", object_id=unit.pk, capture=django_capture_on_commit_callbacks)
    assert marker.exists()
    assert job.status == DocumentJob.Status.DONE, job.message
    assert job.attempts >= 2
    assert job.result.file.read().startswith(b"%PDF-")


def test_libreoffice_always_hanging_fails_the_job_cleanly_with_nothing_to_download(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexec sleep 300\n")
    fake.chmod(0o755)
    settings.LIBREOFFICE_BINARY = str(fake)
    settings.LIBREOFFICE_TIMEOUT = 1
    settings.DOCUMENTS_MAX_RETRIES = 1
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    job = run(admin, "attachment2", "pdf", object_id=unit.pk, capture=django_capture_on_commit_callbacks)
    assert job.status == DocumentJob.Status.FAILED
    assert "超时" in job.message
    assert job.result is None
    assert job.attempts == 2
    assert not GeneratedDocument.objects.filter(format="pdf").exists()


def test_without_libreoffice_a_pdf_job_fails_at_once_and_word_still_works(settings, django_capture_on_commit_callbacks):
    settings.LIBREOFFICE_BINARY = "/nonexistent/soffice"
    unit = PlatformFactory().owner
    admin = user_with_role(Role.BASE_ADMIN, unit)
    pdf_job = run(admin, "attachment2", "pdf", object_id=unit.pk, capture=django_capture_on_commit_callbacks)
    assert pdf_job.status == DocumentJob.Status.FAILED
    assert "未安装 LibreOffice" in pdf_job.message
    assert pdf_job.attempts == 1
    word_job = run(admin, "attachment2", "docx", object_id=unit.pk, capture=django_capture_on_commit_callbacks)
    assert word_job.status == DocumentJob.Status.DONE


def test_download_names_have_no_path_separators_or_reserved_characters():
    assert (
        services.safe_filename('附件4_知识产权保护承诺书_AI/大数据:"入门"')
        == "附件4_知识产权保护承诺书_AI_大数据_入门_"
    )
    assert services.safe_filename("../..") == "_"
    assert services.safe_filename(" ..") == "document"
    part = services.Part("attachment4", samples.pledge(), "附件4_a/b\\c")
    assert services.produce(part, "docx").filename == "附件4_a_b_c.docx"
