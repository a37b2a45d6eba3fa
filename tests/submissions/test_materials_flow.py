"""One materials flow (notice, 四、其他事项): the title rule, Word as .docx or .doc, attachment 2
with the unit's own materials, attachments 3/4 made from the recommendations and expected only
from the units that recommended."""

import pathlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from accounts.models import Role
from selection.models import Recommendation
from submissions import services
from submissions.reminders import send_deadline_reminders
from submissions.selectors import State, call_state_table, calls_for_units, expected_units
from tests.factories import OrganisationFactory, user_with_role
from tests.selection.factories import CourseFactory, PlatformFactory, open_campaign, submitted_recommendation

from .factories import IN_TIME, CallFactory, pdf_upload, shanghai, word_upload

pytestmark = pytest.mark.django_db

WORD_97 = pathlib.Path(__file__).parent / "data" / "word97.doc"


def send(call, unit, user, *, title, word=None, now=IN_TIME):
    return services.send_materials(
        call=call,
        unit=unit,
        user=user,
        title=title,
        word_file=word or word_upload(),
        pdf_file=pdf_upload(),
        now=now,
    )


def doc_upload(content: bytes | None = None, name: str = "材料.doc") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else WORD_97.read_bytes(), "application/msword")


# --- Word: .docx or .doc, by content ----------------------------------------------------------


def test_a_word_97_doc_is_accepted_and_kept_as_doc(client, call, department, unit_user, reviewer):
    submission = send(call, department, unit_user, title="山东省卫生健康委员会2022年度继续教育材料", word=doc_upload())
    version = submission.current_version
    assert version.word_file.name.endswith(".doc")
    client.force_login(reviewer)
    response = client.get(reverse("submissions:download", args=[version.pk, "word"]))
    assert response.status_code == 200
    assert ".doc" in response["Content-Disposition"] and ".docx" not in response["Content-Disposition"]


def test_an_ole_file_that_is_not_a_word_document_is_refused(call, department, unit_user):
    not_word = WORD_97.read_bytes().replace("WordDocument".encode("utf-16-le"), "XordDocument".encode("utf-16-le"))
    with pytest.raises(ValidationError) as refused:
        send(call, department, unit_user, title="山东省卫生健康委员会2022年度继续教育材料", word=doc_upload(not_word))
    assert "按文件内容检查" in refused.value.message_dict["word_file"][0]


def test_a_text_file_named_doc_is_refused(call, department, unit_user):
    with pytest.raises(ValidationError) as refused:
        send(
            call,
            department,
            unit_user,
            title="山东省卫生健康委员会2022年度继续教育材料",
            word=doc_upload(b"hello" * 300),
        )
    assert "word_file" in refused.value.message_dict


# --- the title ---------------------------------------------------------------------------------


@pytest.fixture
def jinan(province):
    unit = OrganisationFactory(
        name="济南市人力资源和社会保障局", short_name="济南市人社局", city_bureau=True, city="jinan"
    )
    return unit, user_with_role(Role.CITY_STAFF, unit)


@pytest.fixture
def city_call(province):
    return CallFactory(
        receiver=province, year=2026, audience="city_bureaus", deadline=shanghai(2026, 4, 30, 23, 59, 59)
    )


@pytest.mark.parametrize(
    "title",
    [
        "济南市人力资源和社会保障局2026年度继续教育材料",
        "济南市人社局2026年度继续教育材料",
        "济南市2026年度继续教育材料",
        "济南市 2026 年度继续教育材料",
        " 济南市人社局　2026年度 继续教育材料 ",
    ],
)
def test_the_title_may_name_the_unit_its_short_name_or_its_city_spaces_ignored(jinan, city_call, title):
    unit, user = jinan
    submission = send(city_call, unit, user, title=title, now=shanghai(2026, 4, 1, 9, 0))
    assert submission.current_version is not None


@pytest.mark.parametrize(
    "title",
    ["青岛市2026年度继续教育材料", "济南市2025年度继续教育材料", "济南2026年度继续教育材料", "济南市2026年度继续教育"],
)
def test_another_city_year_or_wording_is_refused_and_nothing_is_stored(jinan, city_call, title):
    unit, user = jinan
    with pytest.raises(services.WrongTitle) as refused:
        send(city_call, unit, user, title=title, now=shanghai(2026, 4, 1, 9, 0))
    assert "济南市2026年度继续教育材料" in refused.value.messages[0]
    assert not city_call.submissions.exists()


def test_only_a_city_bureau_may_title_its_materials_with_its_city(call, department, unit_user):
    with pytest.raises(services.WrongTitle):
        send(call, department, unit_user, title="济南市2022年度继续教育材料")


# --- attachment 2 travels with the unit's own materials ---------------------------------------


def test_attachment2_is_made_from_the_units_platforms_and_sent_with_its_materials(client, province, reviewer):
    platform = PlatformFactory(name="齐鲁继续教育平台", owner=OrganisationFactory(national_base=True, name="某基地"))
    base = platform.owner
    user = user_with_role(Role.BASE_ADMIN, base)
    call = CallFactory(receiver=province, audience="ce_bases")
    version = send(call, base, user, title="某基地2022年度继续教育材料").current_version
    texts = [p.text for p in Document(version.attachment2_word.open("rb")).paragraphs]
    assert "继续教育学习平台信息统计表" in texts
    assert "填报单位：某基地（盖章）" in texts
    client.force_login(reviewer)
    response = client.get(reverse("submissions:download", args=[version.pk, "attachment2"]))
    assert response.status_code == 200
    outsider = user_with_role(Role.BASE_ADMIN, OrganisationFactory(national_base=True))
    client.force_login(outsider)
    assert client.get(reverse("submissions:download", args=[version.pk, "attachment2"])).status_code == 404


def test_a_unit_without_a_platform_sends_no_attachment2(client, call, department, unit_user):
    version = send(call, department, unit_user, title="山东省卫生健康委员会2022年度继续教育材料").current_version
    assert not version.attachment2_word
    client.force_login(unit_user)
    assert client.get(reverse("submissions:download", args=[version.pk, "attachment2"])).status_code == 404


def test_there_is_no_separate_call_for_attachment2():
    from submissions.models import Call

    assert "platform_owners" not in Call.Audience.values


# --- attachments 3/4: made from the recommendations, expected from those who recommended ------


@pytest.fixture
def evaluation(association):
    """A 2022 campaign: one base recommended, one has a platform and only a draft, one has a
    platform and recommended nothing; the association's call for attachments 3/4."""
    campaign = open_campaign(2022)
    recommended = PlatformFactory(name="推荐平台").owner
    submitted_recommendation(campaign, CourseFactory(platform=recommended.platforms.get()))
    drafting = PlatformFactory(name="草稿平台").owner
    rec = submitted_recommendation(campaign, CourseFactory(platform=drafting.platforms.get()))
    rec.status = rec.Status.DRAFT
    rec.save()
    idle = PlatformFactory(name="未推荐平台").owner
    call = CallFactory(receiver=association, audience="evaluation_entrants", name="优质在线公需课推荐材料")
    return call, recommended, drafting, idle


def test_only_units_that_recommended_are_expected_by_the_attachments_3_4_call(evaluation):
    call, recommended, _drafting, _idle = evaluation
    assert list(expected_units(call)) == [recommended]
    later = CallFactory(receiver=call.receiver, audience="evaluation_entrants", year=2023)
    assert list(expected_units(later)) == []


def test_a_unit_sees_the_attachments_3_4_call_only_in_the_years_it_recommended(evaluation):
    call, recommended, drafting, idle = evaluation
    assert list(calls_for_units([recommended.pk])) == [call]
    assert list(calls_for_units([drafting.pk, idle.pk])) == []


def test_attachments_3_4_are_not_uploaded_again(evaluation):
    call, recommended, _drafting, _idle = evaluation
    user = user_with_role(Role.BASE_ADMIN, recommended)
    with pytest.raises(services.GeneratedFromRecommendations) as refused:
        send(call, recommended, user, title=f"{recommended.name}2022年度继续教育材料")
    assert "无需另行上传" in refused.value.messages[0]
    assert not call.submissions.exists()


def test_the_association_sees_every_recommending_unit_as_sent(evaluation):
    call, recommended, _drafting, _idle = evaluation
    rows, counts = call_state_table(call)
    assert [(r.unit, r.state) for r in rows] == [(recommended, State.SUBMITTED)]
    assert counts == {State.SUBMITTED: 1}


def test_no_attachments_3_4_reminder_goes_to_units_that_did_not_recommend(evaluation, mailoutbox):
    call, _recommended, drafting, idle = evaluation
    for unit in (drafting, idle):
        unit.email = f"{unit.pk}@example.cn"
        unit.save()
    sent = send_deadline_reminders(now=shanghai(2022, 4, 24, 0, 0, 0)).sent
    assert [r for r in sent if r.call_id == call.pk] == []
    assert mailoutbox == []


def test_the_api_refuses_an_upload_for_attachments_3_4_with_422(evaluation):
    from rest_framework.test import APIClient

    call, recommended, _drafting, _idle = evaluation
    api = APIClient()
    api.force_authenticate(user_with_role(Role.BASE_ADMIN, recommended))
    response = api.post(
        reverse("api-submissions"),
        {
            "call": call.pk,
            "title": f"{recommended.name}2022年度继续教育材料",
            "word_file": word_upload(),
            "pdf_file": pdf_upload(),
        },
        format="multipart",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "generated_from_recommendations"


def test_the_unit_page_says_attachments_3_4_need_no_upload(client, evaluation):
    call, recommended, _drafting, _idle = evaluation
    client.force_login(user_with_role(Role.BASE_ADMIN, recommended))
    page = client.get(reverse("submissions:send", args=[call.pk]))
    assert page.status_code == 200
    assert "无需另行上传" in page.content.decode()
    assert b'type="file"' not in page.content


def test_the_association_downloads_a_units_attachments_3_4_made_from_its_recommendations(
    client, evaluation, association_admin, reviewer
):
    import io
    import zipfile

    from tests.documents.factories import pledge_for

    call, recommended, drafting, _idle = evaluation
    pledge_for(Recommendation.objects.get(organisation=recommended))
    url = reverse("submissions:recommendation_materials", args=[call.pk, recommended.pk])
    client.force_login(association_admin)
    response = client.get(url)
    assert response.status_code == 200
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert len(names) == 2 and names[0].startswith("附件3_") and names[1].startswith("附件4_1_")
    # A unit that did not recommend has nothing here; the bureau does not review this call.
    assert client.get(reverse("submissions:recommendation_materials", args=[call.pk, drafting.pk])).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 404
    client.force_login(user_with_role(Role.BASE_ADMIN, recommended))
    assert client.get(url).status_code == 403


def test_the_reviewer_is_told_a_doc_study_guide_is_checked_by_hand(client, call, department, unit_user, reviewer):
    submission = send(call, department, unit_user, title="山东省卫生健康委员会2022年度继续教育材料", word=doc_upload())
    client.force_login(reviewer)
    report = client.get(reverse("submissions:detail", args=[submission.pk])).context["format_report"]
    assert report == {"ok": None, "items": [], "text": "Word 97-2003（.doc）文件无法自动检查格式，请人工核对。"}


def test_a_recommending_unit_sees_its_attachments_3_4_as_sent_with_nothing_to_upload(client, evaluation):
    call, recommended, _drafting, idle = evaluation
    client.force_login(user_with_role(Role.BASE_ADMIN, recommended))
    rows = client.get(reverse("submissions:my_calls")).context["rows"]
    generated = [r for r in rows if r["call"] == call]
    assert len(generated) == 1 and generated[0]["generated"] and not generated[0]["may_send"]
    client.force_login(user_with_role(Role.BASE_ADMIN, idle))
    assert call not in [r["call"] for r in client.get(reverse("submissions:my_calls")).context["rows"]]
    assert client.get(reverse("submissions:send", args=[call.pk])).status_code == 404
