"""Teachers: workplaces as organisations, and account links that take effect only when the person
confirms them on their own page (issue 11 point 5, issue 12 point 1)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from courses import services
from courses.models import Teacher
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import TeacherFactory

pytestmark = pytest.mark.django_db


def test_provider_records_the_workplace_as_a_unit_with_former_units(client, base_admin, base):
    hospital = OrganisationFactory(name="山东省立医院（测试）")
    university = OrganisationFactory(name="山东大学（测试）")
    client.force_login(base_admin)
    response = client.post(
        reverse("courses:teacher_create"),
        {"name": "王老师", "current_unit": hospital.pk, "former_units": [university.pk, hospital.pk]},
    )
    assert response.status_code == 302
    teacher = Teacher.objects.get()
    assert teacher.organisation == base and teacher.current_unit == hospital and teacher.unit == ""
    # The current unit is not also a former one.
    assert list(teacher.former_units.all()) == [university]


def test_free_text_workplace_is_kept_only_for_an_unregistered_unit(base_admin, base):
    teacher = services.save_teacher(actor=base_admin, organisation=base, name="李老师", unit="某未登记研究所")
    assert (teacher.current_unit, teacher.unit, teacher.unit_name) == (None, "某未登记研究所", "某未登记研究所")
    unit = OrganisationFactory(name="已登记单位（测试）")
    teacher = services.save_teacher(
        actor=base_admin, organisation=base, name="李老师", current_unit=unit, unit="某未登记研究所", teacher=teacher
    )
    assert (teacher.current_unit, teacher.unit, teacher.unit_name) == (unit, "", "已登记单位（测试）")


def test_a_bad_id_number_is_refused_and_nothing_is_saved(client, base_admin):
    client.force_login(base_admin)
    response = client.post(reverse("courses:teacher_create"), {"name": "王老师", "id_number": "110101199003077777"})
    assert "身份证号" in response.content.decode()
    assert not Teacher.objects.exists()


def test_the_provider_only_proposes_the_link_and_it_takes_effect_when_the_person_confirms(client, base_admin):
    professional = user_with_role(Role.PROFESSIONAL, name="王老师")
    client.force_login(base_admin)
    response = client.post(reverse("courses:teacher_create"), {"name": "王老师", "id_number": professional.id_number})
    assert response.status_code == 302
    teacher = Teacher.objects.get()
    assert teacher.id_number == professional.id_number and teacher.user is None
    page = client.get(reverse("courses:my_teachers")).content.decode()
    assert "待本人确认" in page and professional.id_number not in page

    # Someone else cannot confirm it (it is not found for them), not even by posting its id.
    other = user_with_role(Role.PROFESSIONAL)
    client.force_login(other)
    assert "王老师" not in client.get(reverse("courses:my_teaching")).content.decode()
    response = client.post(reverse("courses:my_teaching_answer", args=[teacher.pk]), {"action": "confirm"})
    assert response.status_code == 404
    teacher.refresh_from_db()
    assert teacher.user is None

    client.force_login(professional)
    assert "是我，确认关联" in client.get(reverse("courses:my_teaching")).content.decode()
    client.post(reverse("courses:my_teaching_answer", args=[teacher.pk]), {"action": "confirm"})
    teacher.refresh_from_db()
    assert teacher.user == professional and teacher.link_confirmed_at is not None


def test_the_person_may_decline_and_a_new_id_number_starts_a_new_proposal(client, base_admin, base):
    professional = user_with_role(Role.PROFESSIONAL, name="王老师")
    teacher = services.save_teacher(
        actor=base_admin, organisation=base, name="王老师", id_number=professional.id_number
    )
    client.force_login(professional)
    client.post(reverse("courses:my_teaching_answer", args=[teacher.pk]), {"action": "decline"})
    teacher.refresh_from_db()
    assert teacher.user is None and teacher.link_declined_at is not None
    assert "是我，确认关联" not in client.get(reverse("courses:my_teaching")).content.decode()
    # Confirming after declining is still possible (a mistake can be undone by the person).
    services.confirm_teacher_link(user=professional, teacher_id=teacher.pk)
    teacher.refresh_from_db()
    assert teacher.user == professional
    # The provider changes the ID number: the old link is gone, the new person must confirm.
    someone = user_with_role(Role.PROFESSIONAL, name="王老师")
    teacher = services.save_teacher(
        actor=base_admin, organisation=base, name="王老师", id_number=someone.id_number, teacher=teacher
    )
    assert (teacher.user, teacher.link_confirmed_at, teacher.link_declined_at) == (None, None, None)


def test_editing_without_an_id_number_keeps_the_current_link(client, base_admin, base):
    professional = user_with_role(Role.PROFESSIONAL, name="王老师")
    teacher = services.save_teacher(
        actor=base_admin, organisation=base, name="王老师", id_number=professional.id_number
    )
    services.confirm_teacher_link(user=professional, teacher_id=teacher.pk)
    client.force_login(base_admin)
    # (A new name would no longer match the linked account: see test_teaching_credit_sealed.py.)
    data = {"name": "王老师", "professional_title": "教授", "id_number": ""}
    client.post(reverse("courses:teacher_edit", args=[teacher.pk]), data)
    teacher.refresh_from_db()
    assert (teacher.professional_title, teacher.user) == ("教授", professional)


def test_another_units_admin_cannot_edit_a_teacher(client, base_admin):
    other = TeacherFactory()
    client.force_login(base_admin)
    assert client.get(reverse("courses:teacher_edit", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.PROFESSIONAL, 200), (Role.BASE_ADMIN, 200), (Role.EXPERT, 200)],
)
def test_my_teaching_page_is_for_anyone_logged_in(client, role, status):
    if role:
        client.force_login(user_with_role(role))
    assert client.get(reverse("courses:my_teaching")).status_code == status


@pytest.mark.parametrize("n", [1, 5])
def test_my_teaching_query_count_is_flat(n, client, base_admin, base):
    professional = user_with_role(Role.PROFESSIONAL, name="王老师")
    for _i in range(n):
        services.save_teacher(actor=base_admin, organisation=base, name="王老师", id_number=professional.id_number)
        confirmed = services.save_teacher(
            actor=base_admin, organisation=base, name="王 老师", id_number=professional.id_number
        )
        services.confirm_teacher_link(user=professional, teacher_id=confirmed.pk)
    client.force_login(professional)
    client.get(reverse("courses:my_teaching"))
    # session, user, roles (navigation), proposed records, confirmed records
    with expect_queries("django_session", "accounts_user", "accounts_membership", "courses_teacher", "courses_teacher"):
        response = client.get(reverse("courses:my_teaching"))
    assert response.content.decode().count("是我，确认关联") == n
