"""The public catalogue at province scale: pages and counts cached behind the catalogue version,
invalidated by every change a page shows, never across people or languages; the page's rows read in
a constant number of queries whatever the catalogue's size.

These tests commit (transaction=True): only committed rows are cached (portal.cache_versions)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from courses import selectors
from courses.models import Course
from courses.services import publish_courses, save_course, set_course_status
from portal import db_router
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries, query_name

from .factories import CourseFactory, PlatformFactory, TeacherFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("courses:catalogue")


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    # A replica's settling time would keep fresh versions uncached; these tests have no replica.
    settings.DATABASE_REPLICA_PIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def _titles(client, **params) -> list[str]:
    params.setdefault("year", 2022)
    html = client.get(URL, params).content.decode()
    return sorted((t for t in Course.objects.values_list("title", flat=True) if f">{t}</a>" in html), key=html.index)


def _many_courses(n: int, provider=None):
    department = OrganisationFactory(department=True)
    platform = PlatformFactory(owner=provider) if provider else PlatformFactory()
    topic = TopicFactory()
    for i in range(n):
        if i % 2:
            course = CourseFactory(provider=platform.owner, platform=platform, topic=topic, title=f"公需课{i:04d}")
        else:
            course = CourseFactory(professional=True, sector=department, title=f"专业课{i:04d}")
        course.teachers.set([TeacherFactory(organisation=course.provider)])


PAGE_QUERIES = ("courses_course", "courses_teacher", "courses_topic", "accounts_organisation", "accounts_organisation")


@pytest.mark.parametrize("n", [10, 200])
def test_catalogue_reads_constant_queries_and_then_none(client, n):
    """First read: count, page, teachers and the filter choices; the same page again: no query; another
    page of the same filters: the count comes from the cache."""
    _many_courses(n)
    with expect_queries("courses_course", *PAGE_QUERIES):
        first = client.get(URL, {"year": 2022})
    with expect_queries():
        again = client.get(URL, {"year": 2022})
    assert again.context["listing"] == first.context["listing"] and "page" not in again.context
    assert f"共 {n} 门课程" in again.content.decode()
    with expect_queries(*PAGE_QUERIES):
        second_page = client.get(URL, {"year": 2022, "page": 2})
    assert second_page.status_code == 200
    assert ("下一页" in first.content.decode()) == (n > 25)


def test_page_rows_are_in_catalogue_order_and_pages_do_not_overlap(client):
    _many_courses(60)
    pages = [_titles(client, page=number) for number in (1, 2, 3)]
    assert [len(p) for p in pages] == [25, 25, 10]
    listed = [t for page in pages for t in page]
    assert len(set(listed)) == 60
    expected = list(
        Course.objects.filter(title__in=listed).order_by(*selectors.CATALOGUE_ORDER).values_list("title", flat=True)
    )
    # Each page's rows are contiguous in the catalogue order (category, title, id).
    for number, page in enumerate(pages):
        assert sorted(page) == sorted(expected[number * 25 : number * 25 + 25])


def test_publish_withdraw_and_edit_show_on_the_next_read(client):
    city = OrganisationFactory(city_bureau=True, name="济南市人社局（缓存测试）")
    staff = user_with_role(Role.CITY_STAFF, city)
    shown = CourseFactory(title="已发布课程", provider=city)
    draft = CourseFactory(title="待发布草稿", provider=city, status=Course.Status.DRAFT)
    assert _titles(client) == ["已发布课程"]

    set_course_status(actor=staff, course=draft, status=Course.Status.PUBLISHED)
    assert set(_titles(client)) == {"已发布课程", "待发布草稿"}

    set_course_status(actor=staff, course=shown, status=Course.Status.WITHDRAWN)
    assert _titles(client) == ["待发布草稿"]

    draft.refresh_from_db()
    save_course(actor=staff, provider=city, course=draft, data={"title": "改过名的课程"})
    assert "改过名的课程" in client.get(URL, {"year": 2022}).content.decode()

    bulk = CourseFactory(title="批量发布草稿", provider=city, status=Course.Status.DRAFT)
    client.get(URL, {"year": 2022})
    publish_courses(actor=staff, courses=[bulk])  # an UPDATE: no post_save
    assert "批量发布草稿" in client.get(URL, {"year": 2022}).content.decode()


def test_teacher_provider_and_topic_changes_show_on_the_next_read(client):
    provider = OrganisationFactory(city_bureau=True, name="青岛市人社局（缓存测试）", short_name="")
    teacher = TeacherFactory(name="王老师", organisation=provider)
    topic = TopicFactory(name="旧专题名")
    course = CourseFactory(title="缓存测试课程", provider=provider, topic=topic, teachers=[teacher])
    assert "王老师" in client.get(URL, {"year": 2022}).content.decode()

    teacher.name = "李老师"
    teacher.save()
    assert "李老师" in client.get(URL, {"year": 2022}).content.decode()

    course.teachers.add(TeacherFactory(name="赵老师", organisation=provider))
    assert "赵老师" in client.get(URL, {"year": 2022}).content.decode()

    provider.name = "青岛市人力资源和社会保障局（缓存测试）"
    provider.save()
    assert "青岛市人力资源和社会保障局（缓存测试）" in client.get(URL, {"year": 2022}).content.decode()

    topic.name = "新专题名"
    topic.save()
    assert "新专题名" in client.get(URL, {"year": 2022}).content.decode()


def test_filters_are_correct_through_the_cache(client):
    jinan = OrganisationFactory(city_bureau=True, city="jinan", name="济南测试局")
    qingdao = OrganisationFactory(city_bureau=True, city="qingdao", name="青岛测试局")
    teacher = TeacherFactory(name="孔教授", organisation=qingdao)
    CourseFactory(title="甲 济南", provider=jinan)
    CourseFactory(title="乙 青岛", provider=qingdao, teachers=[teacher])
    CourseFactory(title="丙 青岛专业", provider=qingdao, professional=True, description="讲授医疗器械注册的要点。")
    for _ in range(2):  # the second round comes from the cache
        assert _titles(client, city="jinan") == ["甲 济南"]
        assert set(_titles(client, city="qingdao")) == {"乙 青岛", "丙 青岛专业"}
        assert _titles(client, category="professional") == ["丙 青岛专业"]
        assert _titles(client, search="孔教授") == ["乙 青岛"]
        assert _titles(client, search="济南测试") == ["甲 济南"]
        assert _titles(client, search="医疗器械") == ["丙 青岛专业"]
        assert _titles(client, search="青岛") == ["丙 青岛专业", "乙 青岛"]  # once each, in catalogue order
        assert _titles(client, year=2021) == []


def test_the_cached_listing_is_shared_but_the_page_around_it_is_each_persons(client):
    """Nothing of one person's page reaches another's: the header with the name is rendered per request."""
    CourseFactory(title="共享课程")
    zhang = user_with_role(Role.PROFESSIONAL, name="张三丰")
    li = user_with_role(Role.PROFESSIONAL, name="李四光")
    client.force_login(zhang)
    zhang_page = client.get(URL, {"year": 2022}).content.decode()
    client.force_login(li)
    with CaptureQueriesContext(connection) as queries:
        li_page = client.get(URL, {"year": 2022}).content.decode()
    # Only who is asking (session, user, roles; the session may come from a shared cache): no catalogue read.
    assert {query_name(q["sql"]) for q in queries} <= {"django_session", "accounts_user", "accounts_membership"}
    client.logout()
    anonymous_page = client.get(URL, {"year": 2022}).content.decode()
    assert "共享课程" in zhang_page and "共享课程" in li_page and "共享课程" in anonymous_page
    assert "张三丰" in zhang_page and "张三丰" not in li_page and "张三丰" not in anonymous_page
    assert "李四光" in li_page and "李四光" not in zhang_page


def test_each_language_has_its_own_cached_listing(client):
    CourseFactory(title="语言测试课程")
    chinese = client.get(URL, {"year": 2022}).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(URL, {"year": 2022}).content.decode()
    assert "查询" in chinese
    assert "查询" not in english and "语言测试课程" in english


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_nothing_is_cached_before_the_replica_caught_up(client, settings, monkeypatch):
    """Right after a change a replica may still show the old rows: a catalogue read the router
    sends to the replica is not stored. (Only the alias is added and the request counted as a
    replica reader: this test's reads stay on the default database.)"""
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    monkeypatch.setattr(db_router, "may_read_replica", lambda: True)
    settings.DATABASE_REPLICA_PIN_SECONDS = 3600
    CourseFactory(title="刚发布的课程")
    client.get(URL, {"year": 2022})
    with expect_queries("courses_course", *PAGE_QUERIES):
        client.get(URL, {"year": 2022})
