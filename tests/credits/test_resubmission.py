"""A returned self-report is not a dead end (issue 23): its owner corrects it and sends it again as
a new version linked to the returned one, which stays as decided; both sides see every version
with its decision and reason."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HourRecord, YearPolicy
from tests.factories import user_with_role

from .factories import YearPolicyFactory, professional_of, proof_file

DAY = datetime.date(2022, 5, 1)


@pytest.fixture
def people(db, employer, other_employer):
    YearPolicyFactory(year=2022)
    return {
        "person": professional_of(employer),
        "colleague": professional_of(employer),
        "employer": user_with_role(Role.EMPLOYER_ADMIN, employer),
        "other_employer": user_with_role(Role.EMPLOYER_ADMIN, other_employer),
    }


def returned_report(people, hours="8", reason="证明材料不清晰，请重新上传盖章的结业证书。"):
    record, _created = services.self_report_hours(
        professional=people["person"],
        year=2022,
        title="卫生应急培训",
        completed_on=DAY,
        category=Category.PROFESSIONAL,
        hours=hours,
        proof=proof_file(),
    )
    return services.reject_record(record_id=record.pk, actor=people["employer"], reason=reason)


def form(**extra):
    return {
        "title": "卫生应急培训（更正）",
        "completed_on": DAY.isoformat(),
        "category": Category.PROFESSIONAL,
        "hours": "6",
        **extra,
    }


def test_the_owner_resubmits_a_returned_report_as_its_second_version(client, people):
    returned = returned_report(people)
    client.force_login(people["person"])
    response = client.post(reverse("credits:resubmit", args=[returned.pk]), form(proof=proof_file("new.png")))
    new = HourRecord.objects.get(resubmission_of=returned)
    assert response.status_code == 302 and response.url == reverse("credits:my_record", args=[new.pk])
    assert (new.status, new.version, new.first_version_id, new.hours) == ("pending", 2, returned.pk, D("6.0"))
    assert (new.year, new.recorded_by_id, new.submitted_by_id) == (2022, returned.recorded_by_id, people["person"].pk)
    assert new.proof.name != returned.proof.name


def test_the_returned_version_stays_as_it_was_decided(client, people):
    returned = returned_report(people)
    before = HourRecord.objects.filter(pk=returned.pk).values().get()
    client.force_login(people["person"])
    client.post(reverse("credits:resubmit", args=[returned.pk]), form())
    assert HourRecord.objects.filter(pk=returned.pk).values().get() == before


def test_without_a_new_file_the_returned_versions_proof_is_kept(people):
    returned = returned_report(people)
    new = services.resubmit_self_report(
        professional=people["person"], record_id=returned.pk, title="更正", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="6",
    )  # fmt: skip
    assert new.proof.name == returned.proof.name


def test_a_third_version_links_to_the_second_and_the_first(people):
    returned = returned_report(people)
    second = services.resubmit_self_report(
        professional=people["person"], record_id=returned.pk, title="更正", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="6",
    )  # fmt: skip
    services.reject_record(record_id=second.pk, actor=people["employer"], reason="学时仍然过多")
    third = services.resubmit_self_report(
        professional=people["person"], record_id=second.pk, title="再更正", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="4",
    )  # fmt: skip
    assert (third.version, third.resubmission_of_id, third.first_version_id) == (3, second.pk, returned.pk)


def test_sending_the_same_returned_version_twice_is_refused(client, people):
    returned = returned_report(people)
    client.force_login(people["person"])
    client.post(reverse("credits:resubmit", args=[returned.pk]), form())
    response = client.post(reverse("credits:resubmit", args=[returned.pk]), form(title="第二次"))
    assert response.status_code == 409
    assert "该申报已修改后重新提交过" in response.content.decode()
    assert HourRecord.objects.filter(resubmission_of=returned).count() == 1
    with pytest.raises(ValidationError, match="已修改后重新提交过"):
        services.resubmit_self_report(
            professional=people["person"], record_id=returned.pk, title="x", completed_on=DAY,
            category=Category.PROFESSIONAL, hours="6",
        )  # fmt: skip


def test_the_database_keeps_one_resubmission_per_returned_version(people):
    from django.db import IntegrityError, transaction

    returned = returned_report(people)
    services.resubmit_self_report(
        professional=people["person"], record_id=returned.pk, title="更正", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="6",
    )  # fmt: skip
    twin = HourRecord(
        professional=people["person"], year=2022, completed_on=DAY, category=Category.PROFESSIONAL, hours=D("6"),
        source=HourRecord.Source.SELF_REPORTED, recorded_by=returned.recorded_by, resubmission_of=returned,
        first_version=returned, version=2,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.parametrize("status", ["pending", "approved"])
def test_only_a_returned_report_can_be_sent_again(people, status):
    record, _created = services.self_report_hours(
        professional=people["person"], year=2022, title="会议", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="8", proof=proof_file(),
    )  # fmt: skip
    if status == "approved":
        services.approve_record(record_id=record.pk, actor=people["employer"])
    with pytest.raises(ValidationError, match="只有单位退回"):
        services.resubmit_self_report(
            professional=people["person"], record_id=record.pk, title="x", completed_on=DAY,
            category=Category.PROFESSIONAL, hours="6",
        )  # fmt: skip


def test_another_person_cannot_open_or_resubmit_it(client, people):
    returned = returned_report(people)
    client.force_login(people["colleague"])
    assert client.get(reverse("credits:resubmit", args=[returned.pk])).status_code == 404
    assert client.post(reverse("credits:resubmit", args=[returned.pk]), form()).status_code == 404
    assert client.get(reverse("credits:my_record", args=[returned.pk])).status_code == 404
    with pytest.raises(ValidationError, match="未找到"):
        services.resubmit_self_report(
            professional=people["colleague"], record_id=returned.pk, title="x", completed_on=DAY,
            category=Category.PROFESSIONAL, hours="6",
        )  # fmt: skip
    assert not HourRecord.objects.filter(resubmission_of=returned).exists()


def test_an_employer_admin_cannot_resubmit_for_their_staff(client, people):
    returned = returned_report(people)
    client.force_login(people["employer"])
    assert client.post(reverse("credits:resubmit", args=[returned.pk]), form()).status_code in (403, 404)
    assert not HourRecord.objects.filter(resubmission_of=returned).exists()


def test_after_the_years_deadline_resubmission_is_refused_in_chinese(client, people):
    returned = returned_report(people)
    policy = YearPolicy.objects.get(year=2022)
    policy.closes_on = datetime.date(2022, 12, 31)
    policy.save()
    client.force_login(people["person"])
    page = client.get(reverse("credits:resubmit", args=[returned.pk])).content.decode()
    assert "2022年度学时登记已于2022年12月31日截止，不能再重新提交。" in page
    assert 'id="self-report-form"' not in page
    response = client.post(reverse("credits:resubmit", args=[returned.pk]), form())
    assert response.status_code == 409 and "已于2022年12月31日截止" in response.content.decode()
    assert not HourRecord.objects.filter(resubmission_of=returned).exists()
    hours_page = client.get(reverse("credits:my_hours") + "?year=2022").content.decode()
    assert reverse("credits:resubmit", args=[returned.pk]) not in hours_page


def test_the_years_limits_apply_to_the_new_version(people):
    returned = returned_report(people)
    with pytest.raises(ValidationError) as exc:
        services.resubmit_self_report(
            professional=people["person"], record_id=returned.pk, title="x", completed_on=DAY,
            category=Category.PROFESSIONAL, hours="500",
        )  # fmt: skip
    assert "hours" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.resubmit_self_report(
            professional=people["person"], record_id=returned.pk, title="x", completed_on=datetime.date(2021, 5, 1),
            category=Category.PROFESSIONAL, hours="6",
        )  # fmt: skip
    assert "completed_on" in exc.value.message_dict
    assert not HourRecord.objects.filter(resubmission_of=returned).exists()


def test_the_new_version_waits_in_the_employers_queue_with_the_history(client, people):
    returned = returned_report(people)
    new = services.resubmit_self_report(
        professional=people["person"], record_id=returned.pk, title="卫生应急培训（更正）", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="6",
    )  # fmt: skip
    client.force_login(people["employer"])
    page = client.get(reverse("credits:queue")).content.decode()
    assert "卫生应急培训（更正）" in page and "第2版" in page
    assert "证明材料不清晰，请重新上传盖章的结业证书。" in page  # the first version's reason
    assert f'action="{reverse("credits:decide", args=[new.pk])}"' in page
    assert f'action="{reverse("credits:decide", args=[returned.pk])}"' not in page


def test_an_employer_of_another_unit_does_not_see_it(client, people):
    returned = returned_report(people)
    new = services.resubmit_self_report(
        professional=people["person"], record_id=returned.pk, title="卫生应急培训（更正）", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="6",
    )  # fmt: skip
    client.force_login(people["other_employer"])
    assert "卫生应急培训（更正）" not in client.get(reverse("credits:queue")).content.decode()
    assert client.post(reverse("credits:decide", args=[new.pk]), {"action": "approve"}).status_code == 404
    assert client.get(reverse("credits:proof", args=[returned.pk])).status_code == 404


def test_the_professional_sees_every_version_with_decision_and_reason_in_beijing_time(client, people):
    returned = returned_report(people)
    new = services.resubmit_self_report(
        professional=people["person"], record_id=returned.pk, title="卫生应急培训（更正）", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="6",
    )  # fmt: skip
    client.force_login(people["person"])
    page = client.get(reverse("credits:my_record", args=[new.pk])).content.decode()
    from portal.formats import cn_datetime

    assert "第1版" in page and "第2版" in page
    assert "证明材料不清晰，请重新上传盖章的结业证书。" in page
    assert cn_datetime(returned.decided_at) in page and cn_datetime(new.created_at) in page
    assert "最新版本正在等待审核" in page
    hours_page = client.get(reverse("credits:my_hours") + "?year=2022").content.decode()
    assert "第2版（修改后重新提交）" in hours_page
    # The returned version no longer offers to be sent again: its next version exists.
    assert reverse("credits:resubmit", args=[returned.pk]) not in hours_page


def test_the_returned_report_offers_the_correction_on_my_hours(client, people):
    returned = returned_report(people)
    client.force_login(people["person"])
    page = client.get(reverse("credits:my_hours") + "?year=2022").content.decode()
    assert reverse("credits:resubmit", args=[returned.pk]) in page
    form_page = client.get(reverse("credits:resubmit", args=[returned.pk])).content.decode()
    assert 'value="卫生应急培训"' in form_page  # filled in from the returned version
    assert 'value="2022-05-01"' in form_page  # as <input type="date"> reads it
    assert "证明材料不清晰" in form_page


@pytest.mark.parametrize("n", [1, 3])
def test_the_queue_reads_every_earlier_version_in_one_query(client, people, n):
    from tests.queries import expect_queries

    for _ in range(n):
        returned = returned_report(people)
        services.resubmit_self_report(
            professional=people["person"], record_id=returned.pk, title="更正", completed_on=DAY,
            category=Category.PROFESSIONAL, hours="6",
        )  # fmt: skip
    client.force_login(people["employer"])
    # Expect 6 queries: the session, the user, their roles, the paginator's count, the page of
    # records, and the earlier versions of the page's resubmitted records.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "credits_hourrecord",
        "credits_hourrecord",
        "credits_hourrecord",
    ):
        response = client.get(reverse("credits:queue"))
    assert response.content.decode().count("<strong>第1版</strong>") == n


def test_past_the_self_report_threshold_the_new_version_goes_to_the_city_bureau(people):
    policy = YearPolicy.objects.get(year=2022)
    policy.self_report_bureau_threshold = D("10.0")
    policy.save()
    returned = returned_report(people, hours="8")
    new = services.resubmit_self_report(
        professional=people["person"], record_id=returned.pk, title="更正", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="12",
    )  # fmt: skip
    assert new.bureau_review
