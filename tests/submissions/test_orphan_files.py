"""Stored files that no version names (left by an enclosing transaction's rollback) can be swept."""

import io
import pathlib

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from submissions.models import SubmissionVersion

from .test_services import send

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_sweep_deletes_files_of_a_send_rolled_back_by_the_caller_and_keeps_referenced_ones(
    call, department, other_department, unit_user, other_unit_user
):
    kept = send(call, other_department, other_unit_user, title="山东省教育厅2022年度继续教育材料").current_version
    with pytest.raises(Rollback), transaction.atomic():
        send(call, department, unit_user)
        raise Rollback
    assert SubmissionVersion.objects.count() == 1
    files = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in pathlib.Path(settings.MEDIA_ROOT).rglob("*.*")}
    orphans = files - {kept.word_file.name, kept.pdf_file.name}
    assert len(orphans) == 2

    out = io.StringIO()
    call_command("submissions_orphan_files", stdout=out)
    assert all(default_storage.exists(name) for name in files), "without --delete nothing is removed"
    assert "发现未引用文件 0 个" in out.getvalue(), "files younger than a day are left alone"

    out = io.StringIO()
    call_command("submissions_orphan_files", "--delete", "--min-age-hours=0", stdout=out)
    assert not any(default_storage.exists(name) for name in orphans)
    assert default_storage.exists(kept.word_file.name) and default_storage.exists(kept.pdf_file.name)
    assert "已删除未引用文件 2 个" in out.getvalue()


def test_sweep_ignores_files_outside_the_submissions_folders(db):
    name = default_storage.save("credits/proofs/2026/other.pdf", ContentFile(b"%PDF-1.4"))
    call_command("submissions_orphan_files", "--delete", "--min-age-hours=0", stdout=io.StringIO())
    assert default_storage.exists(name)
