"""The exact-query helper (tests/queries.py) names each query by its table and fails on any
difference in count or order."""

import pytest

from accounts.models import Organisation
from tests.queries import expect_queries, query_name


def test_query_names():
    assert query_name('SELECT "a"."id" FROM "accounts_user" WHERE 1') == "accounts_user"
    assert query_name('SELECT COUNT(*) FROM (SELECT "x"."id" FROM "selection_vote") sub') == "selection_vote"
    assert query_name('INSERT INTO "accounts_auditevent" ("type") VALUES (%s)') == "accounts_auditevent"
    assert query_name('UPDATE "credits_yearsummary" SET "x" = 1') == "credits_yearsummary"
    assert query_name('SAVEPOINT "s1_x1"') == "SAVEPOINT"
    assert query_name('RELEASE SAVEPOINT "s1_x1"') == "RELEASE SAVEPOINT"


@pytest.mark.django_db
def test_expect_queries_passes_on_the_exact_list_and_fails_otherwise():
    with expect_queries("accounts_organisation"):
        list(Organisation.objects.all())
    with (
        pytest.raises(AssertionError, match="expected 2 queries"),
        expect_queries("accounts_organisation", "accounts_organisation"),
    ):
        list(Organisation.objects.all())
    with pytest.raises(AssertionError, match="got 1"), expect_queries("accounts_user"):
        list(Organisation.objects.all())
