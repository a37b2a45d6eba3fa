"""Campaigns: creation with the notice's default rubric and schedule, forward-only phases."""

import datetime
import zoneinfo
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit

from ..exceptions import RuleBroken
from ..models import Campaign, Criterion, Phase, PhaseTransition, phase_index

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def default_rubric() -> list[dict]:
    """The scoring rubric the notice describes: "推荐的课程应为原创性资源，推荐单位拥有版权；课程内容紧贴我省
    对继续教育公需课程的要求和专业技术人员学习需求，突出时代特点，具有较强的实用性、针对性和时效性。"
    The production quality criterion reflects "推荐质量高、反响好" for online courses."""
    return [
        {"code": "originality", "label": "原创性", "max_score": Decimal("20"), "weight": Decimal("1")},
        {"code": "relevance", "label": "紧贴要求与学习需求", "max_score": Decimal("20"), "weight": Decimal("1")},
        {"code": "timeliness", "label": "时代特点与时效性", "max_score": Decimal("15"), "weight": Decimal("1")},
        {"code": "practicality", "label": "实用性", "max_score": Decimal("15"), "weight": Decimal("1")},
        {"code": "pertinence", "label": "针对性", "max_score": Decimal("15"), "weight": Decimal("1")},
        {"code": "production", "label": "制作质量", "max_score": Decimal("15"), "weight": Decimal("1")},
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
    campaign = Campaign.objects.create(
        year=year, title=title or _("%(year)s年度优质在线公需课评选") % {"year": year}, **values
    )
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


def _move(*, campaign: Campaign, to_phase: str, actor) -> Campaign:
    check_phase_forward(campaign=campaign, to_phase=to_phase)
    PhaseTransition.objects.create(campaign=campaign, from_phase=campaign.phase, to_phase=to_phase, actor=actor)
    audit(
        type=AuditEvent.Type.PHASE_CHANGED,
        actor=actor,
        target=campaign,
        data={"year": campaign.year, "from": campaign.phase, "to": to_phase},
    )
    campaign.phase = to_phase
    campaign.save(update_fields=["phase"])
    return campaign


@transaction.atomic
def advance_phase(*, campaign: Campaign, to_phase: str, actor) -> Campaign:
    """Move to the next phase (review, voting, public notice). Entering the public notice computes
    the ranking to be shown; confirmation and publication have their own services."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if to_phase in (Phase.CONFIRMED, Phase.PUBLISHED):
        raise RuleBroken(_("请使用“确认结果”或“发布结果”操作。"), code="use_confirm_or_publish")
    _move(campaign=campaign, to_phase=to_phase, actor=actor)
    if to_phase == Phase.OBJECTION:
        from .results import compute_results

        compute_results(campaign=campaign, actor=actor)
    return campaign


def move_phase(*, campaign: Campaign, to_phase: str, actor) -> Campaign:
    """For the results module: the same forward-only move, inside its transaction."""
    return _move(campaign=campaign, to_phase=to_phase, actor=actor)
