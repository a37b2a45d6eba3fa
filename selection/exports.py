"""Excel exports of a campaign: the full ranking, and every score with experts anonymised."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.spreadsheets import append_row

from . import selectors
from .models import Campaign, Score


def _workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def results_xlsx(*, campaign: Campaign) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("评选结果")
    append_row(
        ws,
        [
            _("排名"),
            _("课程名称"),
            _("推荐单位"),
            _("评分专家数"),
            _("专家评分"),
            _("得票数"),
            _("综合得分"),
            _("入选"),
        ],
    )
    for r in selectors.results_of(campaign=campaign):
        append_row(
            ws,
            [
                r.rank if r.rank is not None else _("专家评分不足"),
                r.recommendation.course.title,
                r.recommendation.organisation.name,
                r.expert_count,
                float(r.expert_score),
                r.votes,
                float(r.combined_score),
                (_("是") if r.selected else _("否")) + (_("（入选线并列）") if r.tied_at_line else ""),
            ],
        )
    return _workbook_bytes(wb)


def scores_xlsx(*, campaign: Campaign) -> bytes:
    """Every score with each criterion; experts appear as 专家01, 专家02… (stable within the file)."""
    criteria = selectors.criteria_of(campaign)
    scores = (
        Score.objects.filter(assignment__recommendation__campaign=campaign)
        .select_related("assignment__recommendation__course")
        .order_by("assignment__recommendation_id", "assignment__expert_id")
    )
    aliases: dict[int, str] = {}
    wb = Workbook()
    ws = wb.active
    ws.title = _("专家评分")
    append_row(
        ws,
        [_("推荐编号"), _("课程名称"), _("专家"), *[c.label for c in criteria], _("总分（各项之和）"), _("评审意见")],
    )
    for s in scores:
        expert_id = s.assignment.expert_id
        aliases.setdefault(expert_id, _("专家%(n)02d") % {"n": len(aliases) + 1})
        append_row(
            ws,
            [
                s.assignment.recommendation_id,
                s.assignment.recommendation.course.title,
                aliases[expert_id],
                *[float(s.values.get(c.code, 0)) for c in criteria],
                float(s.total),
                s.comment,
            ],
        )
    return _workbook_bytes(wb)
