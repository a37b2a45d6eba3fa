"""Expert weight + vote weight = 1 is a database check constraint (issue 16): a row that breaks it
is refused by the database itself, whatever code writes it. Runs on SQLite and, with
DATABASE_URL, on PostgreSQL."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from selection import services
from selection.models import Campaign

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("expert, vote", [(D("0.600"), D("0.300")), (D("0.800"), D("0.300")), (D("1"), D("0.001"))])
def test_the_database_refuses_weights_not_summing_to_one(expert, vote):
    campaign = services.create_campaign(year=2035)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(expert_weight=expert, vote_weight=vote)
    campaign.refresh_from_db()
    assert campaign.expert_weight + campaign.vote_weight == D("1")


@pytest.mark.parametrize("expert, vote", [(D("0.700"), D("0.300")), (D("0.333"), D("0.667")), (D("1"), D("0"))])
def test_the_database_accepts_weights_summing_to_one(expert, vote):
    campaign = services.create_campaign(year=2035)
    Campaign.objects.filter(pk=campaign.pk).update(expert_weight=expert, vote_weight=vote)
    campaign.refresh_from_db()
    assert (campaign.expert_weight, campaign.vote_weight) == (expert, vote)


def test_the_constraint_is_in_the_database_schema():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Campaign._meta.db_table)
    assert "campaign_weights_sum_to_one" in constraints
    assert constraints["campaign_weights_sum_to_one"]["check"]


def test_the_service_still_answers_with_the_chinese_message():
    campaign = services.create_campaign(year=2035)
    with pytest.raises(ValidationError) as exc:
        services.update_campaign_settings(campaign=campaign, actor=None, expert_weight=D("0.5"))
    assert "之和必须等于 1" in " ".join(exc.value.messages)
    campaign.refresh_from_db()
    assert campaign.expert_weight == D("0.700")
