"""Public voting by verified professionals, exact under concurrency."""

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.selectors import first_organisation_id, has_role
from portal.deadlines import in_window

from ..exceptions import AlreadyDone, RuleBroken
from ..models import Campaign, Phase, Recommendation, Vote, VoterBallot
from ..selectors import voter_interest


def check_voter_eligible(*, voter: User) -> None:
    """ "通过网络投票方式面向全省专业技术人员征求意见": verified (实名认证) professionals vote."""
    if not has_role(voter, Role.PROFESSIONAL):
        raise RuleBroken(_("只有专业技术人员可以参加网络投票。"), code="not_professional")
    if not voter.is_verified:
        raise RuleBroken(_("请先完成实名认证再参加网络投票。"), code="not_verified")


def check_in_voting_window(*, campaign: Campaign) -> None:
    if campaign.phase != Phase.VOTING or not in_window(start=campaign.voting_start, end=campaign.voting_end):
        raise RuleBroken(_("不在网络投票时间内。"), code="voting_closed")


def check_voter_has_no_interest(*, recommendation: Recommendation, voter: User) -> None:
    """ "通过网络投票方式面向全省专业技术人员征求意见": the vote asks those without a stake. A course's
    teachers (their confirmed accounts), the current staff of its recommending unit and the experts
    who scored it do not vote for it. One query."""
    teacher, staff, scored = (
        Recommendation.objects.filter(pk=recommendation.pk)
        .annotate(**voter_interest(voter=voter))
        .values_list("voter_teaches", "voter_works_there", "voter_scored")
        .get()
    )
    if teacher:
        raise RuleBroken(_("您是该课程的授课教师，不能为该课程投票。"), code="voter_teaches_course")
    if staff:
        raise RuleBroken(_("您是该课程推荐单位的工作人员，不能为该课程投票。"), code="voter_works_for_recommender")
    if scored:
        raise RuleBroken(_("您已作为评审专家为该课程评分，不能再为该课程投票。"), code="voter_scored_course")


def cast_vote(*, campaign: Campaign, recommendation: Recommendation, voter: User) -> Vote:
    """One vote per course per person, at most `votes_per_voter` courses, none for a course the
    voter has a stake in (see `cast_counted_vote`)."""
    return cast_counted_vote(campaign=campaign, recommendation=recommendation, voter=voter)[0]


def cast_counted_vote(*, campaign: Campaign, recommendation: Recommendation, voter: User) -> tuple[Vote, int]:
    """The vote and the votes the voter has left. Once per course: the unique constraint
    (recommendation, voter) refuses a repeat, also one sent twice at the same moment (the second
    insert waits for the first and fails). At most `votes_per_voter`: the voter's counter is raised
    in the same transaction only while below the limit, by one UPDATE that locks the counter row
    (concurrent votes of one voter are counted one after another; PostgreSQL re-checks the limit
    on the row it waited for). A refused vote rolls its insert back."""
    check_voter_eligible(voter=voter)
    check_in_voting_window(campaign=campaign)
    if recommendation.campaign_id != campaign.pk or recommendation.status != Recommendation.Status.SUBMITTED:
        raise RuleBroken(_("该课程不在本次评选的候选名单中。"), code="not_candidate")
    check_voter_has_no_interest(recommendation=recommendation, voter=voter)
    # The employer from the roles the eligibility check loaded (an active professional membership
    # of an active organisation; a professional has at most one).
    employer_id = first_organisation_id(voter, Role.PROFESSIONAL)
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                campaign=campaign, recommendation=recommendation, voter=voter, employer_id=employer_id
            )
            used = _count_one_vote(campaign=campaign, voter=voter)
            if used is None:
                raise RuleBroken(
                    _("每人最多可投 %(n)s 门课程，您的票数已用完。") % {"n": campaign.votes_per_voter},
                    code="vote_limit_reached",
                )
    except IntegrityError as exc:
        raise AlreadyDone(_("您已为该课程投过票。"), code="already_voted") from exc
    return vote, max(0, campaign.votes_per_voter - used)


def _count_one_vote(*, campaign: Campaign, voter: User) -> int | None:
    """Add one to the voter's counter unless it has reached the limit: its new value, or None at
    the limit. The counter is created at the voter's first vote."""
    meta = VoterBallot._meta
    table, used, campaign_col, voter_col = (
        connection.ops.quote_name(name)
        for name in (
            meta.db_table,
            meta.get_field("used").column,
            meta.get_field("campaign").column,
            meta.get_field("voter").column,
        )
    )
    sql = (
        f"UPDATE {table} SET {used} = {used} + 1 "  # noqa: S608 (names from the model)
        f"WHERE {campaign_col} = %s AND {voter_col} = %s AND {used} < %s RETURNING {used}"
    )
    for attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [campaign.pk, voter.pk, campaign.votes_per_voter])
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        if attempt == 0:  # no counter yet, or one at the limit (then this inserts nothing)
            VoterBallot.objects.bulk_create([VoterBallot(campaign=campaign, voter=voter)], ignore_conflicts=True)
    return None
