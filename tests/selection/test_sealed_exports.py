"""Issue 21 item 1: the association's .xlsx results export reads the sealed snapshot for a sealed
campaign, as the results page does: live edits after sealing (titles, units, teachers) never change
what it says."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Organisation
from courses.models import Course, Teacher
from selection.models import Phase

from .published import evaluation

pytestmark = pytest.mark.django_db


def exported_rows(client, admin, year=2022) -> list[tuple]:
    client.force_login(admin)
    response = client.get(reverse("selection:export_results", args=[year]))
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_a_live_title_edit_after_sealing_does_not_change_the_export(client):
    ev = evaluation()
    title = ev.selected.course.title
    before = exported_rows(client, ev.admin)
    assert before[0][3] == "授课教师"
    assert before[1][1:4] == (title, ev.selected.organisation.name, "张老师、李老师")
    Course.objects.filter(pk=ev.selected.course_id).update(title="发布后改名的课程")
    Organisation.objects.filter(pk=ev.selected.organisation_id).update(name="改名后的推荐单位")
    Teacher.objects.filter(pk=ev.plain.pk).update(name="王五")
    after = exported_rows(client, ev.admin)
    assert after == before
    assert "发布后改名的课程" not in str(after) and "王五" not in str(after)


def test_confirmed_but_not_yet_published_results_export_the_sealed_snapshot_too(client):
    ev = evaluation(phase=Phase.CONFIRMED)
    title = ev.selected.course.title
    Course.objects.filter(pk=ev.selected.course_id).update(title="确认后改名的课程")
    rows = exported_rows(client, ev.admin)
    assert rows[1][1] == title


def test_during_the_public_notice_the_export_reads_the_live_proposed_list(client):
    ev = evaluation(phase=Phase.OBJECTION)
    Course.objects.filter(pk=ev.selected.course_id).update(title="公示期间更名的课程")
    rows = exported_rows(client, ev.admin)
    assert rows[1][1] == "公示期间更名的课程" and rows[1][3] == "张老师、李老师"
