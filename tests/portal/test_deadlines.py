"""portal.deadlines: every deadline and window keeps its whole closing second, in Asia/Shanghai."""

import datetime
import zoneinfo

import pytest

from portal import deadlines

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DEADLINE = datetime.datetime(2022, 4, 30, 23, 59, 59, tzinfo=SHANGHAI)


def at(*args, micro=0):
    return datetime.datetime(*args, microsecond=micro, tzinfo=SHANGHAI)


def test_a_deadline_at_23_59_59_accepts_the_whole_last_second():
    assert deadlines.is_open(deadline=DEADLINE, now=at(2022, 4, 30, 23, 59, 59))
    assert deadlines.is_open(deadline=DEADLINE, now=at(2022, 4, 30, 23, 59, 59, micro=999_999))


def test_the_next_second_is_too_late():
    assert not deadlines.is_open(deadline=DEADLINE, now=at(2022, 5, 1, 0, 0, 0))
    assert not deadlines.is_open(deadline=DEADLINE, now=at(2022, 5, 1, 0, 0, 0, micro=1))


def test_the_closing_second_is_counted_in_shanghai_whatever_zone_now_is_given_in():
    utc_last_moment = datetime.datetime(2022, 4, 30, 15, 59, 59, 999_999, tzinfo=datetime.UTC)
    utc_too_late = datetime.datetime(2022, 4, 30, 16, 0, 0, tzinfo=datetime.UTC)
    assert deadlines.is_open(deadline=DEADLINE, now=utc_last_moment)
    assert not deadlines.is_open(deadline=DEADLINE, now=utc_too_late)


def test_a_naive_deadline_means_shanghai_time():
    naive = datetime.datetime(2022, 4, 30, 23, 59, 59)
    assert deadlines.closes_at(naive) == at(2022, 5, 1, 0, 0, 0)


def test_a_deadline_stored_with_a_fraction_still_closes_at_the_end_of_its_second():
    assert deadlines.closes_at(DEADLINE.replace(microsecond=500_000)) == at(2022, 5, 1, 0, 0, 0)


def test_no_deadline_is_open():
    assert deadlines.is_open(deadline=None, now=at(2030, 1, 1))


@pytest.mark.parametrize(
    "now, inside",
    [
        (at(2022, 5, 31, 23, 59, 59), False),
        (at(2022, 6, 1, 0, 0, 0), True),
        (at(2022, 6, 15, 23, 59, 59, micro=999_999), True),
        (at(2022, 6, 16, 0, 0, 0), False),
    ],
)
def test_a_window_opens_at_its_start_and_keeps_its_closing_second(now, inside):
    start, end = at(2022, 6, 1), at(2022, 6, 15, 23, 59, 59)
    assert deadlines.in_window(start=start, end=end, now=now) is inside


def test_a_window_without_bounds_is_open_on_that_side():
    assert deadlines.in_window(start=None, end=None, now=at(2022, 1, 1))
    assert not deadlines.in_window(start=at(2022, 6, 1), end=None, now=at(2022, 5, 1))


@pytest.mark.parametrize(
    "now", [at(2022, 4, 30, 23, 59, 58, micro=10), at(2022, 4, 30, 23, 59, 59, micro=999_999), at(2022, 5, 1)]
)
def test_the_database_bound_agrees_with_is_open(now):
    for deadline in (DEADLINE, DEADLINE.replace(microsecond=999_999), at(2022, 4, 30, 23, 59, 58)):
        assert (deadline >= deadlines.earliest_open_deadline(now)) is deadlines.is_open(deadline=deadline, now=now)


# --- the apps ask the shared rule ------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Sets the portal's clock (django.utils.timezone.now) to a given Shanghai instant."""
    from django.utils import timezone

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


LAST_MOMENT = at(2022, 6, 15, 23, 59, 59, micro=999_000)
TOO_LATE = at(2022, 6, 16, 0, 0, 0)


WINDOW = {"start": at(2022, 6, 1), "end": at(2022, 6, 15, 23, 59, 59)}


def _selection_checks():
    from selection.services import recommendations, results, review, voting

    return [
        (
            "recommendation",
            {"recommendation_deadline": WINDOW["end"]},
            recommendations.check_before_recommendation_deadline,
            "recommendation_closed",
        ),
        (
            "review",
            {"review_start": WINDOW["start"], "review_end": WINDOW["end"]},
            review.check_in_review_window,
            "review_closed",
        ),
        (
            "voting",
            {"voting_start": WINDOW["start"], "voting_end": WINDOW["end"]},
            voting.check_in_voting_window,
            "voting_closed",
        ),
        (
            "objection",
            {"objection_start": WINDOW["start"], "objection_end": WINDOW["end"]},
            results.check_in_objection_period,
            "objection_closed",
        ),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(4), ids=["recommendation", "review", "voting", "objection"])
def test_selection_windows_keep_their_closing_second(clock, index):
    from selection.exceptions import RuleBroken
    from tests.selection.factories import open_campaign

    phase, fields, check, code = _selection_checks()[index]
    campaign = open_campaign(phase=phase, **fields)
    clock(LAST_MOMENT)
    check(campaign=campaign)
    clock(TOO_LATE)
    with pytest.raises(RuleBroken) as refused:
        check(campaign=campaign)
    assert refused.value.code == code


@pytest.mark.django_db
def test_submissions_keep_the_closing_second_of_a_call(clock):
    from submissions import services
    from tests.submissions.factories import CallFactory, OrganisationFactory

    call = CallFactory(deadline=at(2022, 6, 15, 23, 59, 59))
    unit = OrganisationFactory()
    assert services.may_still_send(call=call, unit=unit, now=LAST_MOMENT)
    assert not services.may_still_send(call=call, unit=unit, now=TOO_LATE)


@pytest.mark.django_db
def test_the_home_page_lists_a_deadline_through_its_last_second():
    from portal.home import upcoming_deadlines
    from tests.submissions.factories import CallFactory

    call = CallFactory(deadline=at(2022, 6, 15, 23, 59, 59))
    assert [d.when for d in upcoming_deadlines(now=LAST_MOMENT)] == [call.deadline]
    assert upcoming_deadlines(now=TOO_LATE) == []
