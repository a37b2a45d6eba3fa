"""One bad file does not cost the good one: the send form keeps a file that passed its checks
(staged for its uploader only), names the bad file and its rule, and stores no submission until
both files are good."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from submissions import staging
from submissions.models import StagedUpload, Submission
from tests.factories import user_with_role

from .factories import IN_TIME, pdf_upload, word_upload

pytestmark = pytest.mark.django_db

TITLE = "山东省卫生健康委员会2022年度继续教育材料"


def _post(client, call, data):
    with mock.patch("django.utils.timezone.now", return_value=IN_TIME):
        return client.post(reverse("submissions:send", args=[call.pk]), {"title": TITLE, "submit": "1", **data})


def _not_a_pdf(name="扫描件.pdf"):
    return SimpleUploadedFile(name, b"this is a text file, not a PDF", content_type="application/pdf")


def test_a_bad_pdf_keeps_the_good_word_file_and_names_the_bad_one(client, call, unit_user):
    client.force_login(unit_user)
    response = _post(client, call, {"word_file": word_upload("指南.docx"), "pdf_file": _not_a_pdf()})
    assert response.status_code == 422
    page = response.content.decode()
    assert "“扫描件.pdf”：文件内容不是有效的 PDF 文件" in page
    assert "已选择：指南.docx（将随本次提交保存）" in page
    staged = StagedUpload.objects.get()
    assert (staged.field, staged.uploaded_by, staged.original_name) == ("word_file", unit_user, "指南.docx")
    assert f'name="word_file_staged" value="{staged.pk}"' in page
    assert not Submission.objects.exists()

    # Only the PDF is picked again; the Word file comes from the staged reference.
    response = _post(client, call, {"word_file_staged": staged.pk, "pdf_file": pdf_upload("指南.pdf")})
    assert response.status_code == 302
    version = Submission.objects.get().current_version
    assert (version.word_name, version.pdf_name) == ("指南.docx", "指南.pdf")
    assert version.word_file.read().startswith(b"PK")
    # The staged copy is gone, file and row.
    assert not StagedUpload.objects.exists()
    assert not staged.file.storage.exists(staged.file.name)


def test_a_wrong_title_keeps_both_good_files(client, call, unit_user):
    client.force_login(unit_user)
    with mock.patch("django.utils.timezone.now", return_value=IN_TIME):
        response = client.post(
            reverse("submissions:send", args=[call.pk]),
            {"title": "材料", "word_file": word_upload(), "pdf_file": pdf_upload(), "submit": "1"},
        )
    assert response.status_code == 422 and not Submission.objects.exists()
    page = response.content.decode()
    assert "已选择：材料.docx" in page and "已选择：材料.pdf" in page
    refs = {s.field: s.pk for s in StagedUpload.objects.all()}
    response = _post(client, call, {"word_file_staged": refs["word_file"], "pdf_file_staged": refs["pdf_file"]})
    assert response.status_code == 302 and Submission.objects.get().status == Submission.Status.SUBMITTED


def test_another_unit_or_colleague_cannot_send_someone_elses_staged_file(
    client, call, unit_user, other_unit_user, department
):
    client.force_login(unit_user)
    _post(client, call, {"word_file": word_upload(), "pdf_file": _not_a_pdf()})
    staged = StagedUpload.objects.get()
    for outsider in (other_unit_user, user_with_role(Role.DEPARTMENT_STAFF, department)):
        client.force_login(outsider)
        response = _post(client, call, {"word_file_staged": staged.pk, "pdf_file": pdf_upload()})
        assert response.status_code == 422
        assert "请上传Word版（.docx或.doc）文件。" in response.content.decode()
        assert 'name="word_file_staged"' not in response.content.decode()
    assert not Submission.objects.exists()
    assert StagedUpload.objects.filter(pk=staged.pk, uploaded_by=unit_user).exists()


def test_a_nonsense_reference_is_a_missing_file_not_an_error_page(client, call, unit_user):
    client.force_login(unit_user)
    response = _post(client, call, {"word_file_staged": "abc", "pdf_file": pdf_upload()})
    assert response.status_code == 422 and "请上传Word版" in response.content.decode()
    assert not Submission.objects.exists()


def test_staged_files_older_than_a_day_are_swept_with_their_files(client, call, unit_user):
    client.force_login(unit_user)
    _post(client, call, {"word_file": word_upload(), "pdf_file": _not_a_pdf()})
    staged = StagedUpload.objects.get()
    assert staging.sweep(now=IN_TIME + datetime.timedelta(hours=23)) == 0
    assert staging.sweep(now=IN_TIME + datetime.timedelta(hours=25)) == 1
    assert not StagedUpload.objects.exists() and not staged.file.storage.exists(staged.file.name)
