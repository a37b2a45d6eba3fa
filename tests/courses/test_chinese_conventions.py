"""Chinese conventions on the course pages (issue 14, point 8): years as 2022年 and dates as
2022年4月30日 where people read them, never 2022-04-30."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import GuideFactory

pytestmark = pytest.mark.django_db


def test_guide_list_shows_the_year_and_publication_date_in_chinese(client):
    published = timezone.make_aware(datetime.datetime(2022, 4, 30, 9, 5))
    guide = GuideFactory(status="published", published_at=published)
    html = client.get(reverse("courses:guides")).content.decode()
    assert guide.title in html
    assert "<td>2022年</td>" in html
    assert "2022年4月30日" in html and "2022-04-30" not in html


def test_catalogue_filters_offer_all_instead_of_dashes(client):
    html = client.get(reverse("courses:catalogue")).content.decode()
    assert "---------" not in html
    assert html.count('<option value="" selected>全部</option>') >= 5
