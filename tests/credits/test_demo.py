"""The demo seed: idempotent, and a mix of compliant and short people."""

import random

import pytest
from django.db.models import F
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from courses import demo as courses_demo
from credits import demo as credits_demo
from credits.models import HourRecord, YearPolicy
from credits.selectors import compliance_for, ledger_sum, records_decidable_by, requirement_lines


class Out:
    def write(self, message):
        pass


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_mixes_profiles():
    def seed():
        ctx = DemoContext(rng=random.Random(2022), out=Out())
        for module in (accounts_demo, courses_demo, credits_demo):
            module.seed(ctx)
        return ctx

    seed()
    count = HourRecord.objects.count()
    ctx = seed()
    assert HourRecord.objects.count() == count > 0
    demo = ctx.users["professional"]
    latest = compliance_for(user=demo, year=2026)
    assert not latest.compliant and latest.missing.public > 0
    pending = HourRecord.objects.pending().filter(professional=demo)
    assert sorted(pending.values_list("source", flat=True)) == ["offline", "self_reported"]
    offline = pending.get(source="offline")
    assert offline.training is not None and offline.training.plan.status == "approved"
    assert offline in records_decidable_by(ctx.users["employer"])
    results = [compliance_for(user=p, year=2025) for p in ctx.professionals]
    assert any(r.compliant for r in results)
    assert any(r.missing.public and not r.missing.professional for r in results)
    assert any(r.missing.professional and not r.missing.public for r in results)
    truth = ledger_sum(user=demo, year=2026)
    assert (latest.public, latest.professional) == (truth["public"], truth["professional"])


@pytest.mark.django_db
def test_demo_shows_a_grace_window_record_and_a_department_requirement():
    ctx = DemoContext(rng=random.Random(2022), out=Out())
    for module in (accounts_demo, courses_demo, credits_demo):
        module.seed(ctx)
    demo = ctx.users["professional"]
    grace = HourRecord.objects.get(professional=demo, title__contains="宽限期")
    policy = YearPolicy.objects.get(year=2025)
    assert grace.year == 2025 and grace.status == "approved"
    assert grace.completed_on >= policy.grace_from and policy.closes_on < timezone.localtime(grace.created_at).date()
    assert timezone.localtime(grace.created_at).date() <= policy.grace_until
    [line] = requirement_lines(user=demo, year=2026)
    assert line.requirement.organisation.name == "山东省卫生健康委员会"
    assert line.requirement.topic.name == "医养健康"
    # Every demo record obeys once per course/training and hours-count-in-the-year-completed.
    assert not HourRecord.objects.exclude(source="correction").exclude(completed_on__year=F("year")).exists()
