"""The guide editor (issue 14): 发布 comes after the fields and their 保存, so nobody publishes
while edits above it are still unsaved."""

import pytest
from django.urls import reverse

from .factories import GuideFactory

pytestmark = pytest.mark.django_db


def test_publish_sits_below_the_fields_and_their_save_button(client, department, department_staff):
    guide = GuideFactory(department=department)
    client.force_login(department_staff)
    html = client.get(reverse("courses:guide_edit", args=[guide.pk])).content.decode()
    fields = html.index('name="guide-hours_requirement"')
    save = html.index("保存</button>", fields)
    assert save < html.index('value="publish"')
    assert "请先点“保存”" in html
