"""The notice's rules for sending materials, each tested at its edge."""

import io
import pathlib
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from accounts.models import Organisation, Role
from submissions import services
from submissions.models import Submission, SubmissionEvent, SubmissionVersion
from submissions.selectors import State, call_state_table, remaining, state_of
from tests.factories import OrganisationFactory, user_with_role

from .factories import DEADLINE_2022, IN_TIME, pdf_upload, shanghai, word_upload

pytestmark = pytest.mark.django_db

TITLE = "山东省卫生健康委员会2022年度继续教育材料"


def send(call, unit, user, *, title=TITLE, word=None, pdf=None, now=IN_TIME, draft=False):
    return services.send_materials(
        call=call,
        unit=unit,
        user=user,
        title=title,
        word_file=word_upload() if word is None else word,
        pdf_file=pdf_upload() if pdf is None else pdf,
        draft=draft,
        now=now,
    )


def stored_files() -> list[pathlib.Path]:
    return [p for p in pathlib.Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def nothing_stored():
    return not Submission.objects.exists() and not SubmissionVersion.objects.exists() and not stored_files()


def test_files_are_stored_under_generated_names(call, department, unit_user):
    version = send(call, department, unit_user).current_version
    names = sorted(p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files())
    assert names == sorted([version.word_file.name, version.pdf_file.name])
    assert version.word_file.name.startswith("submissions/word/") and version.word_file.name.endswith(".docx")
    assert version.pdf_file.name.startswith("submissions/pdf/") and version.pdf_file.name.endswith(".pdf")
    assert (version.word_name, version.pdf_name) == ("材料.docx", "材料.pdf")


def test_files_stored_by_a_send_that_fails_afterwards_are_deleted(call, department, unit_user, monkeypatch):
    # A failure injected after both files reached storage (the history row cannot be written):
    # the transaction rolls back and the two files must not stay on disk unreferenced.
    def fail(*args, **kwargs):
        raise DatabaseError("simulated failure after storing the files")

    monkeypatch.setattr(SubmissionEvent, "save", fail)
    with pytest.raises(DatabaseError):
        send(call, department, unit_user)
    assert nothing_stored()


def test_a_failed_resend_keeps_the_earlier_version_and_its_files(call, department, unit_user, reviewer, monkeypatch):
    first = send(call, department, unit_user)
    services.review_submission(submission=first, reviewer=reviewer, accept=False, comment="请补充盖章页。")
    kept = sorted(stored_files())

    def fail(*args, **kwargs):
        raise DatabaseError("simulated failure after storing the files")

    monkeypatch.setattr(SubmissionEvent, "save", fail)
    with pytest.raises(DatabaseError):
        send(call, department, unit_user, now=shanghai(2022, 4, 25, 9, 0))
    assert sorted(stored_files()) == kept
    first.refresh_from_db()
    assert (first.status, first.current_version.number, first.versions.count()) == (Submission.Status.RETURNED, 1, 1)


def test_title_proposed_is_unit_name_and_year(department):
    assert services.required_title(unit=department, year=2022) == TITLE


def test_materials_with_the_right_title_and_both_files_are_submitted(call, department, unit_user):
    submission = send(call, department, unit_user)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.current_version.number == 1
    assert submission.first_submitted_at == IN_TIME
    event = submission.events.get()
    assert (event.action, event.actor) == (SubmissionEvent.Action.SUBMITTED, unit_user)


@pytest.mark.parametrize(
    "title",
    ["山东省教育厅2022年度继续教育材料", "山东省卫生健康委员会2021年度继续教育材料", "2022年度继续教育材料", ""],
)
def test_title_for_another_unit_or_year_is_refused(call, department, unit_user, title):
    with pytest.raises(services.WrongTitle) as exc:
        send(call, department, unit_user, title=title)
    assert TITLE in exc.value.messages[0]
    assert nothing_stored()


def test_only_one_of_the_two_files_is_refused(call, department, unit_user):
    with pytest.raises(ValidationError) as exc:
        services.send_materials(
            call=call, unit=department, user=unit_user, title=TITLE, word_file=word_upload(), pdf_file=None, now=IN_TIME
        )
    assert "pdf_file" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.send_materials(
            call=call, unit=department, user=unit_user, title=TITLE, word_file=None, pdf_file=pdf_upload(), now=IN_TIME
        )
    assert "word_file" in exc.value.message_dict
    assert nothing_stored()


def test_exe_renamed_pdf_is_refused(call, department, unit_user):
    exe = SimpleUploadedFile("材料.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        send(call, department, unit_user, pdf=exe)
    assert "不是有效的" in exc.value.message_dict["pdf_file"][0]
    assert nothing_stored()


def test_pdf_renamed_docx_is_refused(call, department, unit_user):
    fake = SimpleUploadedFile("材料.docx", pdf_upload().read())
    with pytest.raises(ValidationError) as exc:
        send(call, department, unit_user, word=fake)
    assert "word_file" in exc.value.message_dict


def test_zip_without_word_document_part_is_refused(call, department, unit_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("hello.txt", "not a document")
    with pytest.raises(ValidationError):
        send(call, department, unit_user, word=SimpleUploadedFile("材料.docx", buffer.getvalue()))
    assert nothing_stored()


def test_zip_bomb_docx_is_refused(call, department, unit_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        send(call, department, unit_user, word=SimpleUploadedFile("材料.docx", buffer.getvalue()))
    assert "压缩炸弹" in exc.value.message_dict["word_file"][0] or "异常" in exc.value.message_dict["word_file"][0]
    assert nothing_stored()


class HugeUpload:
    """A 2 GB upload as Django describes it; reading it would fail the test."""

    name = "材料.pdf"
    size = 2 * 1024**3

    def read(self, *args):
        raise AssertionError("a 2 GB upload must be refused before it is read")

    seek = read
    chunks = read


def test_2gb_upload_is_refused_without_reading_it(call, department, unit_user):
    with pytest.raises(ValidationError) as exc:
        send(call, department, unit_user, pdf=HugeUpload())
    assert "文件过大" in exc.value.message_dict["pdf_file"][0]
    assert nothing_stored()


def test_last_second_of_april_2022_is_in_time(call, department, unit_user):
    submission = send(call, department, unit_user, now=shanghai(2022, 4, 30, 23, 59, 59))
    assert submission.status == Submission.Status.SUBMITTED


def test_the_last_fraction_of_the_closing_second_is_in_time_and_not_late(call, department, unit_user):
    last_moment = shanghai(2022, 4, 30, 23, 59, 59).replace(microsecond=999_000)
    submission = send(call, department, unit_user, now=last_moment)
    assert state_of(submission, call) == State.SUBMITTED
    assert remaining(call.deadline, now=last_moment)["open"] is True
    assert remaining(call.deadline, now=shanghai(2022, 5, 1, 0, 0, 0))["open"] is False


def test_first_second_of_may_2022_is_too_late(call, department, unit_user):
    with pytest.raises(services.DeadlinePassed) as exc:
        send(call, department, unit_user, now=shanghai(2022, 5, 1, 0, 0, 0))
    assert "报送已截止" in exc.value.messages[0]
    assert nothing_stored()


def test_deadline_uses_server_clock_when_no_time_is_given(call, department, unit_user):
    from unittest import mock

    with (
        mock.patch("django.utils.timezone.now", return_value=shanghai(2022, 5, 1, 0, 0, 0)),
        pytest.raises(services.DeadlinePassed),
    ):
        services.send_materials(
            call=call, unit=department, user=unit_user, title=TITLE, word_file=word_upload(), pdf_file=pdf_upload()
        )
    assert nothing_stored()


def test_extension_lets_one_unit_send_after_the_deadline_and_it_shows_late(
    call, department, other_department, unit_user, other_unit_user, reviewer
):
    services.grant_extension(
        call=call, unit=department, deadline=shanghai(2022, 5, 10, 23, 59, 59), reason="机构调整", granted_by=reviewer
    )
    submission = send(call, department, unit_user, now=shanghai(2022, 5, 5, 9, 0))
    assert submission.status == Submission.Status.SUBMITTED
    with pytest.raises(services.DeadlinePassed):
        send(
            call, other_department, other_unit_user, title="山东省教育厅2022年度继续教育材料", now=shanghai(2022, 5, 5)
        )
    rows, counts = call_state_table(call)
    states = {r.unit.pk: r.state for r in rows}
    assert states == {department.pk: State.LATE, other_department.pk: State.MISSING}
    assert counts[State.LATE] == 1


def test_extension_needs_a_reason_and_a_later_date(call, department, reviewer):
    with pytest.raises(ValidationError):
        services.grant_extension(
            call=call, unit=department, deadline=shanghai(2022, 5, 10), reason=" ", granted_by=reviewer
        )
    with pytest.raises(ValidationError):
        services.grant_extension(
            call=call, unit=department, deadline=shanghai(2022, 4, 1), reason="原因", granted_by=reviewer
        )
    assert not call.extensions.exists()


def test_sending_again_while_submitted_is_a_conflict(call, department, unit_user):
    send(call, department, unit_user)
    with pytest.raises(services.AlreadySubmitted):
        send(call, department, unit_user)
    assert SubmissionVersion.objects.count() == 1


def test_unit_not_asked_by_the_call_cannot_send(call, unit_user):
    base = OrganisationFactory(name="某继续教育基地", kind=Organisation.Kind.CE_BASE, base_level="national")
    with pytest.raises(services.NotExpected):
        send(call, base, unit_user, title="某继续教育基地2022年度继续教育材料")
    assert nothing_stored()


def test_returned_materials_are_resubmitted_as_a_new_version_and_nothing_is_overwritten(
    call, department, unit_user, reviewer
):
    first = send(call, department, unit_user)
    services.review_submission(submission=first, reviewer=reviewer, accept=False, comment="请按附件1格式修改")
    second = send(call, department, unit_user, word=word_upload("v2.docx", "第二版"), now=shanghai(2022, 4, 25))
    assert second.status == Submission.Status.RESUBMITTED
    versions = list(second.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].word_file.name != versions[1].word_file.name
    assert all(v.word_file.storage.exists(v.word_file.name) for v in versions)
    assert versions[1].word_name == "v2.docx"
    assert "v2" not in versions[1].word_file.name  # generated name, not the unit's
    assert [e.action for e in second.events.order_by("id")] == ["submitted", "returned", "resubmitted"]
    assert second.events.get(action="returned").comment == "请按附件1格式修改"


def test_history_shows_who_did_what_when(call, department, unit_user, reviewer):
    first = send(call, department, unit_user, draft=True)
    services.submit_draft(submission=first, user=unit_user, now=shanghai(2022, 4, 21, 9, 0))
    returned_at = shanghai(2022, 4, 22, 10, 0)
    services.review_submission(submission=first, reviewer=reviewer, accept=False, comment="请修改", now=returned_at)
    again = send(call, department, unit_user, now=shanghai(2022, 4, 25, 8, 30))
    history = [(e.action, e.actor, e.created_at, e.version.number) for e in again.events.order_by("created_at", "id")]
    assert history == [
        ("saved_draft", unit_user, IN_TIME, 1),
        ("submitted", unit_user, shanghai(2022, 4, 21, 9, 0), 1),
        ("returned", reviewer, returned_at, 1),
        ("resubmitted", unit_user, shanghai(2022, 4, 25, 8, 30), 2),
    ]
    assert [v.uploaded_at for v in again.versions.order_by("number")] == [IN_TIME, shanghai(2022, 4, 25, 8, 30)]


def test_returned_after_deadline_may_be_resubmitted_until_reviewers_date(call, department, unit_user, reviewer):
    submission = send(call, department, unit_user)
    services.review_submission(
        submission=submission,
        reviewer=reviewer,
        accept=False,
        comment="缺少PDF盖章页",
        resubmit_by=shanghai(2022, 5, 15, 23, 59, 59),
        now=shanghai(2022, 5, 3, 9, 0),
    )
    assert send(call, department, unit_user, now=shanghai(2022, 5, 15, 23, 59, 59)).status == "resubmitted"


def test_returned_without_a_date_cannot_be_resubmitted_after_deadline(call, department, unit_user, reviewer):
    submission = send(call, department, unit_user)
    services.review_submission(submission=submission, reviewer=reviewer, accept=False, comment="请修改")
    with pytest.raises(services.DeadlinePassed):
        send(call, department, unit_user, now=shanghai(2022, 5, 1, 0, 0, 0))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.versions.count() == 1


def test_draft_is_not_sent_until_submitted(call, department, unit_user):
    draft = send(call, department, unit_user, draft=True)
    assert draft.status == Submission.Status.DRAFT
    rows, _counts = call_state_table(call)
    assert rows[0].state == State.MISSING
    submitted = services.submit_draft(submission=draft, user=unit_user, now=IN_TIME)
    assert submitted.status == Submission.Status.SUBMITTED


def test_draft_cannot_be_submitted_after_deadline(call, department, unit_user):
    draft = send(call, department, unit_user, draft=True)
    with pytest.raises(services.DeadlinePassed):
        services.submit_draft(submission=draft, user=unit_user, now=shanghai(2022, 5, 1))


def test_reviewer_accepts_and_it_is_audited(call, department, unit_user, reviewer):
    from accounts.models import AuditEvent

    submission = send(call, department, unit_user)
    services.review_submission(submission=submission, reviewer=reviewer, accept=True)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert AuditEvent.objects.filter(type=AuditEvent.Type.SUBMISSION_REVIEWED, actor=reviewer).exists()


def test_return_needs_a_comment(call, department, unit_user, reviewer):
    submission = send(call, department, unit_user)
    with pytest.raises(ValidationError):
        services.review_submission(submission=submission, reviewer=reviewer, accept=False, comment="")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_reviewer_of_another_call_cannot_review(call, department, unit_user, association_admin):
    other_province_staff = user_with_role(Role.PROVINCE_STAFF)  # staff of a different bureau organisation
    submission = send(call, department, unit_user)
    for outsider in (association_admin, other_province_staff, unit_user):
        with pytest.raises(services.NotReviewer):
            services.review_submission(submission=submission, reviewer=outsider, accept=True)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_evaluation_call_goes_to_the_association(province, association, reviewer):
    with pytest.raises(ValidationError):
        services.create_call(
            user=reviewer,
            year=2022,
            name="优质在线公需课推荐",
            material="附件3、附件4",
            audience="evaluation_entrants",
            receiver=province,
            deadline=DEADLINE_2022,
        )
    call = services.create_call(
        user=reviewer,
        year=2022,
        name="优质在线公需课推荐",
        material="附件3、附件4",
        audience="evaluation_entrants",
        receiver=association,
        deadline=DEADLINE_2022,
    )
    assert call.receiver == association


def test_resubmit_date_in_the_past_is_refused(call, department, unit_user, reviewer):
    submission = send(call, department, unit_user)
    with pytest.raises(ValidationError) as exc:
        services.review_submission(
            submission=submission,
            reviewer=reviewer,
            accept=False,
            comment="请修改",
            resubmit_by=shanghai(2022, 5, 2, 23, 59, 59),
            now=shanghai(2022, 5, 3, 9, 0),
        )
    assert "resubmit_by" in exc.value.message_dict
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
