"""The providers' forms: drop-downs start with 请选择 (never "---------"), training dates are
date inputs, and dates people read are Chinese (2022年5月1日)."""

import datetime

import pytest
from django.urls import reverse

from courses.models import Course

from .factories import CourseFactory, GuideFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_course_edit_form_uses_date_inputs_and_please_choose(client, base_admin, base):
    course = CourseFactory(provider=base, status=Course.Status.DRAFT)
    client.force_login(base_admin)
    page = client.get(reverse("courses:course_edit", args=[course.pk])).content.decode()
    assert 'type="date" name="start_date"' in page and 'type="date" name="end_date"' in page
    assert "---------" not in page and "请选择" in page


def test_guide_section_form_has_no_dashes(client, department_staff, department):
    guide = GuideFactory(department=department)
    SectionFactory(guide=guide)
    client.force_login(department_staff)
    page = client.get(reverse("courses:section_add", args=[guide.pk])).content.decode()
    assert "---------" not in page and "（无，作为第一层次标题）" in page
    page = client.get(reverse("courses:guide_edit", args=[guide.pk])).content.decode()
    assert "---------" not in page


def test_training_dates_read_in_chinese_on_the_course_page(client):
    course = CourseFactory(start_date=datetime.date(2022, 5, 1), end_date=datetime.date(2022, 5, 3))
    page = client.get(reverse("courses:course", args=[course.pk])).content.decode()
    assert "2022年5月1日" in page and "2022年5月3日" in page and "2022-05-01" not in page


def test_catalogue_filters_offer_all_not_dashes(client):
    CourseFactory()
    page = client.get(reverse("courses:catalogue")).content.decode()
    assert "---------" not in page and ">全部<" in page
