"""Public voting by verified professionals, exact under concurrency."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.selectors import employer_of, has_role
from portal.deadlines import in_window

from ..exceptions import AlreadyDone, RuleBroken
from ..models import Campaign, Phase, Recommendation, Vote, VoterBallot


def check_voter_eligible(*, voter: User) -> None:
    """ "通过网络投票方式面向全省专业技术人员征求意见": verified (实名认证) professionals vote."""
    if not has_role(voter, Role.PROFESSIONAL):
        raise RuleBroken(_("只有专业技术人员可以参加网络投票。"), code="not_professional")
    if not voter.is_verified:
        raise RuleBroken(_("请先完成实名认证再参加网络投票。"), code="not_verified")


def check_in_voting_window(*, campaign: Campaign) -> None:
    if campaign.phase != Phase.VOTING or not in_window(start=campaign.voting_start, end=campaign.voting_end):
        raise RuleBroken(_("不在网络投票时间内。"), code="voting_closed")


def cast_vote(*, campaign: Campaign, recommendation: Recommendation, voter: User) -> Vote:
    """One vote per course per person, at most `votes_per_voter` courses. The voter's counter row
    is locked before counting, so concurrent requests cannot pass the limit together."""
    check_voter_eligible(voter=voter)
    check_in_voting_window(campaign=campaign)
    if recommendation.campaign_id != campaign.pk or recommendation.status != Recommendation.Status.SUBMITTED:
        raise RuleBroken(_("该课程不在本次评选的候选名单中。"), code="not_candidate")
    employer = employer_of(voter)
    ballot, _created = VoterBallot.objects.get_or_create(campaign=campaign, voter=voter)
    with transaction.atomic():
        ballot = VoterBallot.objects.select_for_update().get(pk=ballot.pk)
        if Vote.objects.filter(recommendation=recommendation, voter=voter).exists():
            raise AlreadyDone(_("您已为该课程投过票。"), code="already_voted")
        if ballot.used >= campaign.votes_per_voter:
            raise RuleBroken(
                _("每人最多可投 %(n)s 门课程，您的票数已用完。") % {"n": campaign.votes_per_voter},
                code="vote_limit_reached",
            )
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    campaign=campaign, recommendation=recommendation, voter=voter, employer=employer
                )
        except IntegrityError as exc:
            raise AlreadyDone(_("您已为该课程投过票。"), code="already_voted") from exc
        VoterBallot.objects.filter(pk=ballot.pk).update(used=F("used") + 1)
    return vote
