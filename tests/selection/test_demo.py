"""The demo: a published 2022 campaign, a current-year campaign the demo professional can vote in."""

import io
import random

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from courses import demo as courses_demo
from credits import demo as credits_demo
from credits.models import HourRecord
from selection import demo, selectors
from selection.models import Campaign, ExcellentTeacherCertificate, Phase, TeachingCredit, Vote


@pytest.mark.django_db
def test_demo_publishes_2022_and_opens_voting_this_year_idempotently(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ctx = DemoContext(rng=random.Random(2022), out=io.StringIO())
    accounts_demo.seed(ctx)
    courses_demo.seed(ctx)
    credits_demo.seed(ctx)
    demo.seed(ctx)
    votes = Vote.objects.count()
    demo.seed(ctx)
    assert Vote.objects.count() == votes

    published = Campaign.objects.get(year=2022)
    assert published.phase == Phase.PUBLISHED
    assert selectors.published_results(campaign=published).filter(selected=True).count() == published.select_count
    assert ExcellentTeacherCertificate.objects.filter(campaign=published).exists()
    # 2022 closed on 2022-12-31: publishing it now writes no approved hours for 2022; each credit
    # waits, listed, for a city bureau's correction.
    assert not HourRecord.objects.filter(source=HourRecord.Source.TEACHING, year=2022).exists()
    assert TeachingCredit.objects.filter(campaign=published, status=TeachingCredit.Status.PENDING).exists()

    current = Campaign.objects.get(year=timezone.localdate().year)
    assert current.phase == Phase.VOTING
    assert current.voting_start <= timezone.now() <= current.voting_end
    client = APIClient()
    client.force_authenticate(ctx.users["professional"])
    voted = selectors.my_voted_ids(campaign=current, voter=ctx.users["professional"])
    candidate = selectors.candidates(campaign=current).exclude(pk__in=voted).first()
    response = client.post(
        f"/api/v1/selection/campaigns/{current.pk}/votes/", {"recommendation": candidate.pk}, format="json"
    )
    assert response.status_code == 201
    assert selectors.employer_bursts(campaign=current)
