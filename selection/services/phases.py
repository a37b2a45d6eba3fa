"""Deliberate phase changes: each has a preview (the published schedule, what the change does,
open vote anomalies, unanswered objections) and is performed with a recorded reason when it ends
the current phase before its published end, or moves to voting with courses lacking scores."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import jsonable
from portal.deadlines import is_open

from ..exceptions import RuleBroken
from ..models import Campaign, Phase
from ..selectors import employer_bursts, scoring_progress, teacher_outcomes
from .campaigns import check_phase_forward, move_phase
from .conflicts import release_conflicts_in
from .publication import publish_results
from .results import compute_results, confirm_results

# When each phase is published to end (the campaign's dates): ending it before needs a reason.
PHASE_END = {
    Phase.RECOMMENDATION: "recommendation_deadline",
    Phase.REVIEW: "review_end",
    Phase.VOTING: "voting_end",
    Phase.OBJECTION: "objection_end",
}

# When each phase's window opens: starting the phase opens it (a phase and its window are one thing).
PHASE_START = {
    Phase.REVIEW: "review_start",
    Phase.VOTING: "voting_start",
    Phase.OBJECTION: "objection_start",
}

EFFECTS = {
    Phase.REVIEW: gettext_lazy("推荐截止，单位不能再推荐、修改或撤回；评审专家开始评分。"),
    Phase.VOTING: gettext_lazy("专家评审结束，不能再评分；全省专业技术人员开始网络投票。"),
    Phase.OBJECTION: gettext_lazy(
        "网络投票结束；按公布的规则计算排名，拟入选名单在结果页面公示（非最终结果），接受异议。"
    ),
    Phase.CONFIRMED: gettext_lazy("公示结束，重新计算并确认排名；此后不能再修改设置和答复。"),
    Phase.PUBLISHED: gettext_lazy(
        "公布最终入选名单；入选课程的授课教师按课程学时的2倍计入年度继续教育学时（须已确认本人账号），"
        "列入山东继续教育师资库，并颁发优秀师资特聘证书。"
    ),
}


def ends_early(*, campaign: Campaign) -> bool:
    """The current phase's published end has not passed yet (its whole last second counts)."""
    field = PHASE_END.get(Phase(campaign.phase))
    end = getattr(campaign, field) if field else None
    return end is not None and is_open(deadline=end)


def window_moves(*, campaign: Campaign, to_phase: str) -> dict:
    """The dates a phase change sets so that the phase's window is open from now: a start still in
    the future becomes now, and the end of the phase it closes, if later, becomes now too (the
    dates stay in order). The 公示 end is never moved here: publication waits for it."""
    start_field = PHASE_START.get(Phase(to_phase))
    if start_field is None:
        return {}
    now = timezone.now().replace(microsecond=0)
    start = getattr(campaign, start_field)
    if start is not None and start <= now:
        return {}
    moves = {start_field: now}
    end_field = PHASE_END.get(Phase(campaign.phase))
    end = getattr(campaign, end_field) if end_field else None
    if end is not None and end > now:
        moves[end_field] = now
    return moves


def courses_lacking_scores(*, campaign: Campaign) -> list:
    return [rec for rec in scoring_progress(campaign=campaign) if rec.scored < campaign.min_expert_scores]


def phase_change_preview(*, campaign: Campaign, to_phase: str) -> dict:
    """Everything the confirmation page shows before a phase change."""
    check_phase_forward(campaign=campaign, to_phase=to_phase)
    to_phase = Phase(to_phase)
    lacking = courses_lacking_scores(campaign=campaign) if to_phase == Phase.VOTING else []
    return {
        "to_phase": to_phase,
        "effects": EFFECTS[to_phase],
        "early": ends_early(campaign=campaign),
        # The dates the change sets to now (labels as staff read them).
        "window_moves": [
            Campaign._meta.get_field(name).verbose_name for name in window_moves(campaign=campaign, to_phase=to_phase)
        ],
        "lacking_scores": lacking,
        "anomalies": employer_bursts(campaign=campaign) if to_phase in (Phase.OBJECTION, Phase.CONFIRMED) else [],
        "open_objections": list(
            campaign.objections.filter(answered_at__isnull=True).select_related("recommendation__course")
        ),
        "teachers": teacher_outcomes(campaign=campaign) if to_phase == Phase.PUBLISHED else [],
    }


def open_window(*, campaign: Campaign, to_phase: str) -> dict:
    """Starting a phase opens its window (`window_moves`): the dates are saved and returned as
    {field: [old, new]} for the transition's record."""
    moves = window_moves(campaign=campaign, to_phase=to_phase)
    moved = {name: [jsonable(getattr(campaign, name)), jsonable(value)] for name, value in moves.items()}
    for name, value in moves.items():
        setattr(campaign, name, value)
    if moves:
        campaign.save(update_fields=list(moves))
    return moved


@transaction.atomic
def change_phase(*, campaign: Campaign, to_phase: str, actor, reason: str = "") -> Campaign:
    """Perform a confirmed phase change. Ending the current phase before its published end, or
    opening the vote while a course lacks the minimum number of expert scores, needs a reason."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_phase_forward(campaign=campaign, to_phase=to_phase)
    if to_phase in (Phase.VOTING, Phase.OBJECTION, Phase.CONFIRMED):
        # Scores of an expert whose conflict appeared after assignment never reach the ranking.
        release_conflicts_in(campaign=campaign)
    reason = reason.strip()
    if ends_early(campaign=campaign) and not reason:
        raise RuleBroken(_("当前阶段尚未到公布的结束时间，提前结束须填写理由。"), code="reason_required")
    if to_phase == Phase.VOTING and courses_lacking_scores(campaign=campaign) and not reason:
        raise RuleBroken(
            _("有课程的专家评分少于 %(n)s 份，进入网络投票须填写理由。") % {"n": campaign.min_expert_scores},
            code="scores_lacking",
        )
    if to_phase == Phase.CONFIRMED:
        return confirm_results(campaign=campaign, actor=actor, reason=reason)
    if to_phase == Phase.PUBLISHED:
        return publish_results(campaign=campaign, actor=actor, reason=reason)
    moved = open_window(campaign=campaign, to_phase=to_phase)
    move_phase(campaign=campaign, to_phase=to_phase, actor=actor, reason=reason, moved_dates=moved)
    if to_phase == Phase.OBJECTION:
        compute_results(campaign=campaign, actor=actor)
    return campaign
