"""Two staff of the managing unit deciding the same plan at once: exactly one decision stands."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Role
from courses import services
from courses.models import WorkPlan
from tests.factories import user_with_role

from .factories import WorkPlanFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_plan_is_decided_once_even_when_two_staff_decide_together(base, department):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    plan = WorkPlanFactory(base=base, year=2022, status=WorkPlan.Status.SUBMITTED)
    deciders = [user_with_role(Role.DEPARTMENT_STAFF, department) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user, approve):
        try:
            barrier.wait()
            services.decide_work_plan(actor=user, plan=plan, approve=approve, reason="" if approve else "退回")
            outcomes.append("decided")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(u, i == 0)) for i, u in enumerate(deciders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["decided", "refused"]
    plan.refresh_from_db()
    assert plan.status in (WorkPlan.Status.APPROVED, WorkPlan.Status.RETURNED)
