"""Campaigns: creation with the notice's default rubric and schedule, forward-only phases."""

import datetime
import itertools
import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit, audit_change, field_labels

from ..exceptions import RuleBroken
from ..models import Campaign, Criterion, Phase, PhaseTransition, phase_index

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def default_rubric() -> list[dict]:
    """The scoring rubric the notice describes: "推荐的课程应为原创性资源，推荐单位拥有版权；课程内容紧贴我省
    对继续教育公需课程的要求和专业技术人员学习需求，突出时代特点，具有较强的实用性、针对性和时效性。"
    The production quality criterion reflects "推荐质量高、反响好" for online courses."""
    return [
        {"code": "originality", "label": "原创性", "max_score": Decimal("20")},
        {"code": "relevance", "label": "紧贴要求与学习需求", "max_score": Decimal("20")},
        {"code": "timeliness", "label": "时代特点与时效性", "max_score": Decimal("15")},
        {"code": "practicality", "label": "实用性", "max_score": Decimal("15")},
        {"code": "pertinence", "label": "针对性", "max_score": Decimal("15")},
        {"code": "production", "label": "制作质量", "max_score": Decimal("15")},
    ]


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def default_schedule(year: int) -> dict:
    """The year's default dates (Asia/Shanghai): recommendations "于4月底前报送至山东继续工程教育协会",
    i.e. until 30 April 23:59:59; review in May, voting in early June, public notice after it."""
    return {
        "recommendation_deadline": _local(year, 4, 30, 23, 59, 59),
        "review_start": _local(year, 5, 1),
        "review_end": _local(year, 5, 31, 23, 59, 59),
        "voting_start": _local(year, 6, 1),
        "voting_end": _local(year, 6, 15, 23, 59, 59),
        "objection_start": _local(year, 6, 20),
        "objection_end": _local(year, 6, 26, 23, 59, 59),
    }


@transaction.atomic
def create_campaign(*, year: int, actor=None, title: str = "", rubric: list[dict] | None = None, **fields) -> Campaign:
    """A campaign for the year with the default schedule (overridable by keyword) and rubric."""
    values = {**default_schedule(year), **fields}
    values.setdefault("select_count", 10)
    if Campaign.objects.filter(year=year).exists():
        raise ValidationError(_("%(year)s年度的评选活动已存在。") % {"year": year}, code="campaign_exists")
    campaign = Campaign(year=year, title=title or _("%(year)s年度优质在线公需课评选") % {"year": year}, **values)
    check_schedule_in_order(campaign=campaign)
    check_weights_sum_to_one(campaign=campaign)
    campaign.save()
    Criterion.objects.bulk_create(
        Criterion(campaign=campaign, order=i, **row) for i, row in enumerate(rubric or default_rubric())
    )
    return campaign


def check_phase_forward(*, campaign: Campaign, to_phase: str) -> None:
    """Phases move forward only, one step at a time."""
    if phase_index(to_phase) <= campaign.phase_index:
        raise RuleBroken(_("评选阶段只能向前推进，不能回退或重复。"), code="phase_backwards")
    if phase_index(to_phase) != campaign.phase_index + 1:
        raise RuleBroken(_("评选阶段必须逐步推进，不能跳过。"), code="phase_skipped")


def _move(
    *, campaign: Campaign, to_phase: str, actor, reason: str = "", moved_dates: dict | None = None
) -> Campaign:
    check_phase_forward(campaign=campaign, to_phase=to_phase)
    PhaseTransition.objects.create(
        campaign=campaign,
        from_phase=campaign.phase,
        to_phase=to_phase,
        actor=actor,
        reason=reason,
        moved_dates=moved_dates or {},
    )
    data = {"year": campaign.year, "from": campaign.phase, "to": to_phase, "reason": reason}
    if moved_dates:
        data["moved_dates"] = moved_dates
    audit(type=AuditEvent.Type.PHASE_CHANGED, actor=actor, target=campaign, data=data)
    campaign.phase = to_phase
    campaign.save(update_fields=["phase"])
    return campaign


def move_phase(
    *, campaign: Campaign, to_phase: str, actor, reason: str = "", moved_dates: dict | None = None
) -> Campaign:
    """The forward-only, recorded move; the checks of each change live in `phases.py`."""
    return _move(campaign=campaign, to_phase=to_phase, actor=actor, reason=reason, moved_dates=moved_dates)


# The campaign settings admins may edit, in the order the settings form shows them.
SETTING_FIELDS = (
    "title",
    "recommendation_deadline",
    "review_start",
    "review_end",
    "voting_start",
    "voting_end",
    "objection_start",
    "objection_end",
    "expert_weight",
    "vote_weight",
    "select_count",
    "min_combined_score",
    "min_expert_scores",
    "tie_rule",
    "blind_review",
    "votes_per_voter",
    "experts_per_course",
    "drop_extremes_min_experts",
    "outlier_threshold",
    "anomaly_votes_per_hour",
)


def check_schedule_in_order(*, campaign: Campaign) -> None:
    """The phases' dates follow each other: recommendation, review, voting, public notice."""
    order = [
        campaign.recommendation_deadline,
        campaign.review_start,
        campaign.review_end,
        campaign.voting_start,
        campaign.voting_end,
    ]
    order += [d for d in (campaign.objection_start, campaign.objection_end) if d is not None]
    if any(a > b for a, b in itertools.pairwise(order)):
        raise ValidationError(
            _("各阶段时间须依次排列：推荐截止、专家评审、网络投票、结果公示。"), code="schedule_order"
        )


def check_weights_sum_to_one(*, campaign: Campaign) -> None:
    """ "结合专家评审和网络投票的情况，确定入选名单": the two weights share 100 points."""
    if campaign.expert_weight + campaign.vote_weight != Decimal("1"):
        raise ValidationError(_("专家评审权重与网络投票权重之和必须等于 1。"), code="weights_sum")


# The current phase's window: moving its end earlier (or its start past now) ends it early.
CURRENT_WINDOW = {
    Phase.RECOMMENDATION: (None, "recommendation_deadline"),
    Phase.REVIEW: ("review_start", "review_end"),
    Phase.VOTING: ("voting_start", "voting_end"),
    Phase.OBJECTION: ("objection_start", "objection_end"),
}


def _duration(start, end):
    return end - start if start is not None and end is not None else None


def cuts_a_window_short(*, campaign: Campaign, new: dict) -> bool:
    """A settings change that ends the current phase before its published end (its end moved
    earlier, or its start moved past now), or shortens the public notice (公示), needs the same
    recorded reason as ending a phase early on its confirmation page."""
    start_field, end_field = CURRENT_WINDOW[Phase(campaign.phase)]  # later phases edit nothing
    old_end, new_end = getattr(campaign, end_field), new.get(end_field)
    if old_end is not None and new_end is not None and new_end < old_end:
        return True
    old_start, new_start = getattr(campaign, start_field) if start_field else None, new.get(start_field)
    if old_start is not None and new_start is not None and new_start > timezone.now() >= old_start:
        return True
    old = _duration(campaign.objection_start, campaign.objection_end)
    shortened = _duration(
        new.get("objection_start", campaign.objection_start), new.get("objection_end", campaign.objection_end)
    )
    return old is not None and shortened is not None and shortened < old


@transaction.atomic
def update_campaign_settings(*, campaign: Campaign, actor, reason: str = "", **fields) -> Campaign:
    """Dates, weights, limits and the selection rule are data; they are frozen once the results
    are confirmed, and the weights and rule once the public notice has begun. Cutting the current
    window or the 公示 short needs a reason (`cuts_a_window_short`), recorded with the change."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    reason = reason.strip()
    if campaign.is_past(Phase.OBJECTION):
        raise RuleBroken(_("结果已确认，不能再修改评选设置。"), code="settings_frozen")
    frozen = {
        "expert_weight",
        "vote_weight",
        "select_count",
        "min_combined_score",
        "drop_extremes_min_experts",
        "min_expert_scores",
        "tie_rule",
    }
    before = {name: getattr(campaign, name, None) for name in fields}
    for name, value in fields.items():
        if name not in SETTING_FIELDS:
            raise ValidationError(_("不能修改字段 %(name)s。") % {"name": name}, code="field_not_editable")
        if name in frozen and campaign.phase == Phase.OBJECTION and getattr(campaign, name) != value:
            raise RuleBroken(_("结果公示期间不能修改权重和入选规则。"), code="rule_frozen")
        if name == "blind_review" and campaign.phase == Phase.REVIEW and campaign.blind_review != value:
            raise RuleBroken(_("专家评审期间不能切换匿名评审。"), code="blind_frozen")
    if not reason and cuts_a_window_short(campaign=campaign, new=fields):
        raise RuleBroken(
            _("此修改会提前结束当前阶段或缩短结果公示期，须填写理由。"), code="reason_required"
        )
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    check_schedule_in_order(campaign=campaign)
    check_weights_sum_to_one(campaign=campaign)
    campaign.save()
    # Old and new: moving a published end (then ending "on time") stays visible in the log.
    event = audit_change(
        type=AuditEvent.Type.CAMPAIGN_SETTINGS_CHANGED,
        actor=actor,
        target=campaign,
        old=before,
        new={name: getattr(campaign, name) for name in fields},
        labels=field_labels(Campaign, fields),
    )
    if event is not None and reason:
        event.data["reason"] = reason
        event.save(update_fields=["data"])
    return campaign


@transaction.atomic
def update_rubric(*, campaign: Campaign, rows: list[dict], actor) -> list[Criterion]:
    """Replace the scoring rubric; only before expert review begins, so every score of a campaign
    is given against the same criteria."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.phase != Phase.RECOMMENDATION:
        raise RuleBroken(_("专家评审开始后不能修改评审指标。"), code="rubric_frozen")
    if not rows:
        raise ValidationError(_("至少需要一项评审指标。"), code="rubric_empty")
    codes = [row["code"] for row in rows]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("评审指标代码不能重复。"), code="rubric_duplicate_code")
    if any(row["max_score"] <= 0 for row in rows):
        raise ValidationError(_("满分必须大于 0。"), code="rubric_invalid")
    fields = ("code", "label", "max_score")
    old = [{k: getattr(c, k) for k in fields} for c in campaign.criteria.order_by("order", "id")]
    campaign.criteria.all().delete()
    created = Criterion.objects.bulk_create(
        Criterion(campaign=campaign, order=i, **{k: row[k] for k in fields}) for i, row in enumerate(rows)
    )
    audit_change(
        type=AuditEvent.Type.RUBRIC_CHANGED,
        actor=actor,
        target=campaign,
        old={"rubric": old},
        new={"rubric": [{k: row[k] for k in fields} for row in rows]},
        labels={"rubric": _("评审指标")},
    )
    return created
