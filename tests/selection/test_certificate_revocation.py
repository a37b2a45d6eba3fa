"""Issue 21: certificates follow corrections. A correction that drops a teacher from a published
campaign revokes their 优秀师资特聘证书 (kept, marked 已撤销 with the reason, in the correction's
transaction) and takes their teacher-pool entry for that course out."""

import pytest
from django.urls import reverse

from documents import selectors as document_selectors
from documents.generators import DocumentInputError
from selection import services
from selection.models import ExcellentTeacherCertificate, TeacherPoolEntry

from .published import evaluation
from .test_corrections import flip_the_ranking

pytestmark = pytest.mark.django_db


def certificate_of(teacher):
    return ExcellentTeacherCertificate.objects.get(teacher=teacher)


def test_a_correction_dropping_a_teacher_revokes_the_certificate_and_the_pool_entry(client):
    ev = evaluation()
    kept_number = certificate_of(ev.teacher).number
    ev.selected.course.teachers.remove(ev.plain)
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="李老师非本课程授课教师")
    dropped = certificate_of(ev.plain)
    assert dropped.revoked_at is not None and dropped.revoked_reason == "李老师非本课程授课教师"
    kept = certificate_of(ev.teacher)
    assert kept.revoked_at is None and kept.number == kept_number
    entry = TeacherPoolEntry.objects.get(teacher=ev.plain)
    assert entry.removed_at is not None and entry.removed_reason == "李老师非本课程授课教师"
    assert TeacherPoolEntry.objects.get(teacher=ev.teacher).removed_at is None
    page = client.get(reverse("selection:teacher_pool")).content.decode()
    assert "张老师" in page and "李老师" not in page


def test_a_revoked_certificate_is_listed_as_revoked_and_not_printed():
    ev = evaluation()
    ev.selected.course.teachers.remove(ev.plain)
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="更正")
    labels = [o["label"] for o in document_selectors.generator_options(ev.admin, year=2022)]
    assert any("李老师" in label and "已撤销" in label for label in labels)
    assert any("张老师" in label and "已撤销" not in label for label in labels)
    with pytest.raises(DocumentInputError, match="已撤销"):
        document_selectors.teacher_certificate_for(ev.plain, 2022)


def test_a_course_leaving_the_selected_list_revokes_all_its_teachers_certificates():
    ev = evaluation()
    flip_the_ranking(ev)
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="专家评分录入错误")
    assert (
        ExcellentTeacherCertificate.objects.filter(teacher__in=[ev.teacher, ev.plain], revoked_at__isnull=False).count()
        == 2
    )
    assert not TeacherPoolEntry.objects.filter(teacher__in=[ev.teacher, ev.plain], removed_at__isnull=True).exists()


def test_a_teacher_back_in_the_list_gets_a_new_certificate_and_the_revoked_one_stays():
    ev = evaluation()
    ev.selected.course.teachers.remove(ev.plain)
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="更正")
    ev.selected.course.teachers.add(ev.plain)
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="再次更正")
    certificates = ExcellentTeacherCertificate.objects.filter(teacher=ev.plain).order_by("id")
    assert [c.revoked_at is None for c in certificates] == [False, True]
    assert len({c.number for c in certificates}) == 2
    assert TeacherPoolEntry.objects.get(teacher=ev.plain).removed_at is None


def test_a_correction_that_drops_nobody_revokes_nothing():
    ev = evaluation()
    services.correct_results(campaign=ev.campaign, actor=ev.admin, reason="复核无变化")
    assert not ExcellentTeacherCertificate.objects.filter(revoked_at__isnull=False).exists()
    assert not TeacherPoolEntry.objects.filter(removed_at__isnull=False).exists()
