"""Excel exports of a campaign: the full ranking, and every score with experts anonymised."""

import io

from django.db.models import F
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.spreadsheets import append_row

from . import selectors
from .models import Campaign, Phase, Score


def _workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _result_rows(campaign: Campaign) -> list[list]:
    """From confirmation on the sealed snapshot only, as the results page (titles, units and
    teachers as sealed); before that the latest ranking with the live course data."""
    snapshot = selectors.sealed_snapshot(campaign=campaign) if campaign.is_past(Phase.OBJECTION) else None
    if snapshot is not None:
        courses = {c["recommendation"]: c for c in snapshot.inputs["sealed"]["courses"]}
        results = snapshot.results.order_by(F("rank").asc(nulls_last=True), "recommendation_id")
        return [
            [
                r.rank,
                courses[r.recommendation_id]["title"],
                courses[r.recommendation_id]["organisation"]["name"],
                "、".join(t["name"] for t in courses[r.recommendation_id]["teachers"]),
                r.expert_count,
                r.expert_score,
                r.votes,
                r.combined_score,
                r.selected,
                r.tied_at_line,
            ]
            for r in results
        ]
    return [
        [
            r.rank,
            r.recommendation.course.title,
            r.recommendation.organisation.name,
            "、".join(t.name for t in r.recommendation.course.teachers.all()),
            r.expert_count,
            r.expert_score,
            r.votes,
            r.combined_score,
            r.selected,
            r.tied_at_line,
        ]
        for r in selectors.results_of(campaign=campaign)
    ]


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
            _("授课教师"),
            _("评分专家数"),
            _("专家评分"),
            _("得票数"),
            _("综合得分"),
            _("入选"),
        ],
    )
    for rank, title, unit, teachers, experts, expert_score, votes, combined, selected, tied in _result_rows(campaign):
        append_row(
            ws,
            [
                rank if rank is not None else _("专家评分不足"),
                title,
                unit,
                teachers,
                experts,
                float(expert_score),
                votes,
                float(combined),
                (_("是") if selected else _("否")) + (_("（入选线并列）") if tied else ""),
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
