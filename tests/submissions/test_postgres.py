"""Behaviour that depends on PostgreSQL row locks: two simultaneous sends for one unit and call."""

import threading

import pytest
from django.db import connection

from accounts.models import Organisation, Role
from submissions import services
from submissions.models import Submission, SubmissionVersion
from tests.factories import OrganisationFactory, user_with_role

from .factories import IN_TIME, CallFactory, pdf_upload, word_upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def test_two_simultaneous_sends_store_one_submission():
    province = OrganisationFactory(kind=Organisation.Kind.PROVINCIAL_BUREAU)
    unit = OrganisationFactory(name="山东省交通运输厅", kind=Organisation.Kind.INDUSTRY_DEPARTMENT)
    call = CallFactory(receiver=province)
    user = user_with_role(Role.DEPARTMENT_STAFF, unit)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            services.send_materials(
                call=call,
                unit=unit,
                user=user,
                title="山东省交通运输厅2022年度继续教育材料",
                word_file=word_upload(),
                pdf_file=pdf_upload(),
                now=IN_TIME,
            )
            outcomes.append("ok")
        except services.AlreadySubmitted:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Submission.objects.count() == 1
    assert SubmissionVersion.objects.count() == 1
