"""The demo catalogue: every 2022 topic has courses, every department a guide and courses, idempotent."""

import io
import random

import pytest

from accounts import demo as accounts_demo
from accounts.demo import DEPARTMENTS, DemoContext
from courses import demo, selectors
from courses.models import Category, Course, StudyGuide, Teacher, Topic, WorkPlan


@pytest.mark.django_db
def test_demo_catalogue_covers_every_topic_department_and_the_current_year():
    ctx = DemoContext(rng=random.Random(2022), out=io.StringIO())
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    count = Course.objects.count()
    demo.seed(ctx)
    assert Course.objects.count() == count

    catalogue_2022 = selectors.catalogue(year=2022)
    for topic in Topic.objects.filter(year=2022):
        assert catalogue_2022.filter(topic__name=topic.name).exists(), topic.name
    for name in DEPARTMENTS:
        assert selectors.catalogue().filter(category=Category.PROFESSIONAL, sector__name=name).count() == 4
        for year in (2022, 2026):
            assert StudyGuide.objects.get(department__name=name, year=year).is_published
    assert selectors.catalogue(year=2026).count() >= 20
    assert WorkPlan.objects.filter(status=WorkPlan.Status.APPROVED, year=2026).count() == 5
    assert Teacher.objects.filter(user=ctx.users["professional"]).exists()
    for name in demo.CITY_PLATFORMS:
        assert selectors.recommendable_courses(organisation=ctx.organisations[name], year=2022).exists()
