"""The demo seed: idempotent, and a mix of compliant and short people."""

import random

import pytest

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from courses import demo as courses_demo
from credits import demo as credits_demo
from credits.models import HourRecord
from credits.selectors import compliance_for, ledger_sum


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
    assert HourRecord.objects.pending().filter(professional=demo).count() == 1
    results = [compliance_for(user=p, year=2025) for p in ctx.professionals]
    assert any(r.compliant for r in results)
    assert any(r.missing.public and not r.missing.professional for r in results)
    assert any(r.missing.professional and not r.missing.public for r in results)
    truth = ledger_sum(user=demo, year=2026)
    assert (latest.public, latest.professional) == (truth["public"], truth["professional"])
