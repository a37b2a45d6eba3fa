"""Objection answers (issue 21 point 7, objections): an answer is never silently overwritten, the
filer sees every answer on 我的异议, and answers are public once the results are published."""

import pytest
from django.urls import reverse

from accounts.models import Role
from selection import services
from selection.exceptions import RuleBroken
from selection.models import Campaign, Objection, ObjectionAnswer, Phase
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import open_campaign, submitted_recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return user_with_role(Role.ASSOCIATION_ADMIN, OrganisationFactory(association=True))


@pytest.fixture
def filed(client):
    """A professional files an objection on the page during 公示."""
    campaign = open_campaign(phase=Phase.OBJECTION)
    rec = submitted_recommendation(campaign)
    filer = user_with_role(Role.PROFESSIONAL, first_name="异议人甲")
    client.force_login(filer)
    response = client.post(
        reverse("selection:objection_new", args=[2022]), {"recommendation": rec.pk, "reason": "疑似抄袭他人课件"}
    )
    assert response["Location"] == reverse("selection:my_objections")
    client.logout()
    return campaign, Objection.objects.get(), filer


def _answer(client, admin, objection, **data):
    client.force_login(admin)
    return client.post(reverse("selection:manage_answer", args=[2022, objection.pk]), data, follow=True)


def test_a_changed_answer_needs_a_reason_and_keeps_the_earlier_one(client, admin, filed):
    _campaign, objection, _filer = filed
    _answer(client, admin, objection, answer="经核实为原创。")
    response = _answer(client, admin, objection, answer="经复核，课件部分引用已注明出处。")
    assert "修改答复须填写理由" in response.content.decode()
    objection.refresh_from_db()
    assert objection.answer == "经核实为原创。"
    assert ObjectionAnswer.objects.count() == 1
    other_admin = user_with_role(Role.ASSOCIATION_ADMIN, OrganisationFactory(association=True))
    _answer(client, other_admin, objection, answer="经复核，课件部分引用已注明出处。", reason="异议人补充了材料")
    objection.refresh_from_db()
    assert objection.answer == "经复核，课件部分引用已注明出处。" and objection.answered_by == other_admin
    versions = list(objection.answers.order_by("id").values_list("answer", "reason", "actor"))
    assert versions == [
        ("经核实为原创。", "", admin.pk),
        ("经复核，课件部分引用已注明出处。", "异议人补充了材料", other_admin.pk),
    ]
    page = client.get(reverse("selection:manage_campaign", args=[2022])).content.decode()
    assert "经核实为原创。" in page and "原答复（已修改）" in page and "异议人补充了材料" in page


def test_the_same_answer_again_records_nothing(admin, filed):
    _campaign, objection, _filer = filed
    services.answer_objection(objection=objection, answer="已核实。", actor=admin)
    services.answer_objection(objection=objection, answer=" 已核实。 ", actor=admin)
    assert ObjectionAnswer.objects.count() == 1


def test_after_confirmation_no_answer_changes(admin, filed):
    campaign, objection, _filer = filed
    services.answer_objection(objection=objection, answer="已核实。", actor=admin)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.CONFIRMED)
    with pytest.raises(RuleBroken, match="结果已确认"):
        services.answer_objection(objection=objection, answer="改了", actor=admin, reason="理由")
    assert list(ObjectionAnswer.objects.values_list("answer", flat=True)) == ["已核实。"]


def test_only_the_association_answers(client, filed):
    _campaign, objection, filer = filed
    for user in (filer, user_with_role(Role.EXPERT), user_with_role(Role.BASE_ADMIN)):
        client.force_login(user)
        response = client.post(reverse("selection:manage_answer", args=[2022, objection.pk]), {"answer": "自答"})
        assert response.status_code == 403
    assert not ObjectionAnswer.objects.exists()


def test_the_filer_sees_every_answer_on_my_objections_from_the_menu(client, admin, filed):
    _campaign, objection, filer = filed
    services.answer_objection(objection=objection, answer="经核实为原创。", actor=admin)
    services.answer_objection(objection=objection, answer="维持原结论。", actor=admin, reason="补充说明")
    client.force_login(filer)
    home = client.get("/").content.decode()
    url = reverse("selection:my_objections")
    assert f'href="{url}"' in home
    page = client.get(url).content.decode()
    assert "疑似抄袭他人课件" in page and "经核实为原创。" in page and "维持原结论。" in page
    assert "补充说明" in page
    assert admin.display_name not in page  # the filer sees the association's answer, not its staff


def test_another_professional_sees_none_of_it_and_anonymous_must_sign_in(client, admin, filed):
    _campaign, objection, _filer = filed
    services.answer_objection(objection=objection, answer="经核实为原创。", actor=admin)
    url = reverse("selection:my_objections")
    client.force_login(user_with_role(Role.PROFESSIONAL))
    page = client.get(url).content.decode()
    assert "疑似抄袭他人课件" not in page and "经核实为原创。" not in page and "您尚未提出异议" in page
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_answers_are_public_on_the_results_page_once_published_not_before(client, admin, filed):
    campaign, objection, filer = filed
    services.answer_objection(objection=objection, answer="经核实为原创。", actor=admin)
    results = reverse("selection:results", args=[2022])
    services.compute_results(campaign=campaign, actor=admin)
    during = client.get(results).content.decode()
    assert "拟入选名单" in during and "经核实为原创。" not in during
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.PUBLISHED)
    after = client.get(results).content.decode()
    assert "异议及答复" in after and "疑似抄袭他人课件" in after and "经核实为原创。" in after
    assert filer.display_name not in after  # the filer is not named in public


def test_an_objection_is_answered_only_under_its_own_campaign(client, admin, filed):
    _campaign, objection, _filer = filed
    open_campaign(year=2023, phase=Phase.OBJECTION)
    client.force_login(admin)
    response = client.post(reverse("selection:manage_answer", args=[2023, objection.pk]), {"answer": "答复"})
    assert response.status_code == 404 and not ObjectionAnswer.objects.exists()


@pytest.mark.parametrize("n", [1, 4])
def test_my_objections_reads_the_same_queries_for_one_and_many(client, admin, n):
    campaign = open_campaign(phase=Phase.OBJECTION)
    filer = user_with_role(Role.PROFESSIONAL)
    for i in range(n):
        objection = services.file_objection(
            campaign=campaign, user=filer, reason=f"理由{i}", recommendation=submitted_recommendation(campaign)
        )
        services.answer_objection(objection=objection, answer=f"答复{i}", actor=admin)
    client.force_login(filer)
    # The first request warms what every page reads once per process (menus).
    client.get(reverse("selection:my_objections"))
    with expect_queries("django_session", "accounts_user", "accounts_membership", "selection_objection",
                        "selection_objectionanswer") as captured:  # fmt: skip
        response = client.get(reverse("selection:my_objections"))
    assert response.status_code == 200
    assert f"答复{n - 1}" in response.content.decode(), captured
