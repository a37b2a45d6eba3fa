"""A department's requirements page (issue 23): required courses picked by searching the catalogue,
only the sector's employers listed and bindable, the chosen year's topics, and deleting through a
confirmation that says what happens."""

import random
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from accounts.models import AuditEvent, Organisation, Role
from courses.models import Course
from credits import services
from credits.models import Requirement
from credits.selectors import sector_employers
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, TopicFactory

HEALTH = Organisation.Sector.HEALTH
URL = reverse("credits:requirements")


@pytest.fixture
def health(db):
    return OrganisationFactory(department=True, name="卫生健康委员会测试", sector=HEALTH)


@pytest.fixture
def hospital(db):
    return OrganisationFactory(name="测试人民医院", sector=HEALTH)


@pytest.fixture
def highway(db):
    return OrganisationFactory(name="测试高速集团", sector=Organisation.Sector.TRANSPORT)


@pytest.fixture
def school(db, health):
    # Managed by the health commission (parent) but of the education sector: the sector decides.
    return OrganisationFactory(name="测试第一中学", sector=Organisation.Sector.EDUCATION, parent=health)


@pytest.fixture
def health_staff(health):
    return user_with_role(Role.DEPARTMENT_STAFF, health)


@pytest.fixture
def course(policy):
    provider = OrganisationFactory(national_base=True, name="测试继续教育基地")
    return CourseFactory(title="医疗纠纷预防与处理", provider=provider, year_from=2022, year_to=2022)


def form_data(**fields):
    data = {"year": "2022", "kind": "course", "course_query": "", "note": ""}
    data.update(fields)
    return data


def test_the_form_lists_only_the_sectors_employers(client, health_staff, hospital, highway, school, policy):
    client.force_login(health_staff)
    response = client.get(URL)
    assert list(response.context["form"].fields["employers"].queryset) == [hospital]
    assert "测试高速集团" not in response.text and "测试第一中学" not in response.text


def test_a_department_without_a_sector_lists_no_employer(client, hospital, policy):
    client.force_login(user_with_role(Role.DEPARTMENT_STAFF, OrganisationFactory(department=True)))
    assert not client.get(URL).context["form"].fields["employers"].queryset.exists()


def test_a_forged_employer_of_another_sector_is_refused(client, health_staff, hospital, school, course):
    client.force_login(health_staff)
    response = client.post(URL, form_data(course=course.pk, employers=[hospital.pk, school.pk]))
    assert response.status_code == 200 and "employers" in response.context["form"].errors
    assert not Requirement.objects.exists()


def test_the_service_binds_only_the_sectors_employers(health, health_staff, school, course):
    with pytest.raises(ValidationError) as caught:
        services.set_requirement(
            actor=health_staff, organisation=health, year=2022, kind="course", course_id=course.pk, employers=[school]
        )
    assert "不属于本行业" in str(caught.value)


def test_searching_lists_bindable_courses_and_keeps_what_was_typed(client, health_staff, hospital, course):
    CourseFactory(title="医疗纠纷草稿", status=Course.Status.DRAFT, year_from=2022, year_to=2022)
    CourseFactory(title="医疗纠纷旧课", year_from=2020, year_to=2021)
    client.force_login(health_staff)
    response = client.post(
        URL, form_data(course_query="医疗纠纷", note="全体医护人员", employers=[hospital.pk], refresh="search")
    )
    assert response.status_code == 200 and not Requirement.objects.exists()
    form = response.context["form"]
    assert not form.errors
    assert [c.pk for c in response.context["form"].course_matches] == [course.pk]
    text = response.text
    assert "医疗纠纷预防与处理" in text and "测试继续教育基地" in text and f"编号 {course.pk}" in text
    assert "医疗纠纷草稿" not in text and "医疗纠纷旧课" not in text
    assert 'value="全体医护人员"' in text and 'value="医疗纠纷"' in text
    assert re.search(rf'<input type="checkbox" name="employers" value="{hospital.pk}"[^>]*checked', text)


@pytest.mark.parametrize("query", ["provider", "code"])
def test_courses_are_found_by_provider_and_by_code(client, health_staff, course, query):
    client.force_login(health_staff)
    query = str(course.pk) if query == "code" else "测试继续教育基地"
    response = client.post(URL, form_data(course_query=query, refresh="search"))
    assert course in response.context["form"].course_matches


def test_picking_a_course_sets_the_requirement(client, health_staff, health, hospital, course):
    client.force_login(health_staff)
    response = client.post(URL, form_data(course=course.pk, employers=[hospital.pk]))
    assert response.status_code == 302
    requirement = Requirement.objects.get()
    assert (requirement.organisation, requirement.course, list(requirement.employers.all())) == (
        health,
        course,
        [hospital],
    )


@pytest.mark.parametrize("kind", ["draft", "other_year"])
def test_a_forged_course_is_refused_in_chinese(client, health_staff, hospital, policy, kind):
    if kind == "draft":
        forged = CourseFactory(status=Course.Status.DRAFT, year_from=2022, year_to=2022)
    else:
        forged = CourseFactory(year_from=2020, year_to=2021)
    client.force_login(health_staff)
    response = client.post(URL, form_data(course=forged.pk, employers=[hospital.pk]))
    assert response.status_code == 200
    errors = response.context["form"].errors["course"]
    assert any("课程" in e for e in errors)
    assert not Requirement.objects.exists()


def test_the_topic_list_is_the_forms_year(client, health_staff, policy):
    this_year, next_year = TopicFactory(year=2022, name="医养健康测试"), TopicFactory(year=2023, name="疫情防控测试")
    client.force_login(health_staff)
    topics = client.get(URL + "?year=2022").context["form"].fields["topic"].queryset
    assert this_year in topics and next_year not in topics and {t.year for t in topics} == {2022}
    response = client.post(URL, form_data(year="2023", kind="topic_hours", refresh="year"))
    topics = response.context["form"].fields["topic"].queryset
    assert {t.year for t in topics} == {2023} and not response.context["form"].errors


def test_a_topic_of_another_year_is_refused(client, health_staff, hospital, policy):
    other = TopicFactory(year=2023)
    client.force_login(health_staff)
    data = form_data(kind="topic_hours", topic=other.pk, min_hours="6", employers=[hospital.pk])
    response = client.post(URL, data)
    assert "2022年度" in str(response.context["form"].errors["topic"])
    assert not Requirement.objects.exists()


@pytest.fixture
def requirement(health_staff, health, hospital, course):
    return services.set_requirement(
        actor=health_staff, organisation=health, year=2022, kind="course", course_id=course.pk, employers=[hospital]
    )


def delete_url(requirement):
    return reverse("credits:requirement_remove", args=[requirement.pk])


def test_the_list_links_to_a_confirmation_not_a_one_tap_delete(client, health_staff, requirement):
    client.force_login(health_staff)
    text = client.get(URL).text
    assert f'href="{delete_url(requirement)}"' in text
    assert f'action="{delete_url(requirement)}"' not in text


def test_get_of_delete_confirms_and_never_deletes(client, health_staff, requirement, hospital):
    client.force_login(health_staff)
    response = client.get(delete_url(requirement))
    assert response.status_code == 200
    text = response.text
    assert "测试人民医院" in text and "不能恢复" in text and "变更记录" in text
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_a_post_not_from_the_confirmation_deletes_nothing(client, health_staff, requirement):
    client.force_login(health_staff)
    response = client.post(delete_url(requirement))
    assert response.status_code == 302 and response.url == delete_url(requirement)
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_the_confirmation_deletes_and_records(client, health_staff, requirement):
    client.force_login(health_staff)
    response = client.post(delete_url(requirement), {"confirm": "1"})
    assert response.status_code == 302 and response.url == URL
    assert not Requirement.objects.exists()
    events = AuditEvent.objects.filter(target=f"requirement:{requirement.pk}")
    [removal] = [e for e in events if e.data["new"] == {"requirement": None}]
    assert removal.actor == health_staff


@pytest.mark.parametrize("who", ["other_department", "same_sector_department", "city"])
def test_other_units_cannot_see_or_delete_the_requirement(client, requirement, who):
    if who == "city":
        user = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    else:
        sector = HEALTH if who == "same_sector_department" else Organisation.Sector.EDUCATION
        user = user_with_role(Role.DEPARTMENT_STAFF, OrganisationFactory(department=True, sector=sector))
    client.force_login(user)
    assert client.get(delete_url(requirement)).status_code == 404
    assert client.post(delete_url(requirement), {"confirm": "1"}).status_code == 404
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_an_employer_admin_is_forbidden(client, requirement, hospital):
    client.force_login(user_with_role(Role.EMPLOYER_ADMIN, hospital))
    assert client.get(URL).status_code == 403
    assert client.get(delete_url(requirement)).status_code == 403
    assert client.post(delete_url(requirement), {"confirm": "1"}).status_code == 403
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_another_department_cannot_bind_this_sectors_employers(client, hospital, course):
    education = OrganisationFactory(department=True, sector=Organisation.Sector.EDUCATION)
    client.force_login(user_with_role(Role.DEPARTMENT_STAFF, education))
    response = client.post(URL, form_data(course=course.pk, employers=[hospital.pk]))
    assert response.status_code == 200 and "employers" in response.context["form"].errors
    assert not Requirement.objects.exists()


def test_the_demos_health_commission_lists_its_hospitals_only(db):
    class Out:
        def write(self, message):
            pass

    accounts_demo.seed(DemoContext(rng=random.Random(2022), out=Out()))
    health = Organisation.objects.get(name="山东省卫生健康委员会")
    names = set(sector_employers(health).values_list("name", flat=True))
    assert names == {"山东省立医院", "青岛市市立医院", "临沂市人民医院", "德州市人民医院"}
    assert not Organisation.objects.filter(kind__in=["employer", "industry_department"], sector="").exists()


def test_the_admin_sets_and_filters_by_sector(admin_client, hospital):
    changelist = reverse("admin:accounts_organisation_changelist")
    assert hospital.name in admin_client.get(changelist, {"sector__exact": HEALTH}).text
    assert hospital.name not in admin_client.get(changelist, {"sector__exact": "education"}).text
    assert 'name="sector"' in admin_client.get(reverse("admin:accounts_organisation_change", args=[hospital.pk])).text


@pytest.mark.parametrize("n", [1, 5])
def test_a_search_reads_its_matches_in_one_query(client, health_staff, hospital, policy, n):
    provider = OrganisationFactory(national_base=True, name="检索测试基地")
    for i in range(n):
        CourseFactory(title=f"检索课程{i}", provider=provider, year_from=2022, year_to=2022)
    client.force_login(health_staff)
    # Expect 8 queries: the session, the user, the user's roles, the setting unit, the paginator's
    # count (no requirement yet, so no page), the matching courses joined to their providers (one
    # query, the search a subquery), the year's topics, and the sector's employers.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "credits_requirement",
        "courses_course",
        "courses_topic",
        "accounts_organisation",
    ):
        response = client.post(URL, form_data(course_query="检索", refresh="search"))
    assert len(response.context["form"].course_choices) == n
