"""The ranking as a pure function of its inputs, and the published rules it follows.

`published_rules` is the one text of the rules: the results page, the API and docs/selection.md
print the same sentences.
"""

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from portal.formats import format_percent, format_score

from ..models import TieRule

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
FORMULA = "综合得分 = 专家评审权重 × 专家评分（百分制） + 网络投票权重 × 得票数 ÷ 最高得票数 × 100"


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def average_expert_score(*, totals: list[Decimal], drop_extremes_min_experts: int) -> Decimal:
    """A course's expert score in points: the experts' totals averaged; with at least
    `drop_extremes_min_experts` experts the highest and the lowest are dropped first."""
    if not totals:
        return Decimal("0.00")
    ordered = sorted(totals)
    if drop_extremes_min_experts and len(ordered) >= max(drop_extremes_min_experts, 3):
        ordered = ordered[1:-1]
    return _q(sum(ordered, Decimal("0")) / len(ordered))


def combined_score(
    *, expert_score: Decimal, votes: int, max_votes: int, expert_weight: Decimal, vote_weight: Decimal
) -> Decimal:
    """ "结合专家评审和网络投票的情况，确定入选名单": expert_weight x expert score (out of 100)
    + vote_weight x votes / the highest vote count x 100."""
    vote_part = Decimal(votes) / Decimal(max_votes) * HUNDRED if max_votes > 0 else Decimal("0")
    return _q(Decimal(expert_weight) * Decimal(expert_score) + Decimal(vote_weight) * vote_part)


def _tie_key(row: dict, tie_rule: str) -> tuple:
    if tie_rule == TieRule.VOTES_THEN_EXPERT:
        return (-row["combined_score"], -row["votes"], -row["expert_score"])
    return (-row["combined_score"], -row["expert_score"], -row["votes"])


def _mark_selection(groups: list[list[dict]], inputs: dict) -> None:
    """Selected: the first `select_count` and/or everyone at or above `min_combined_score`. A
    group still tied across the line is flagged; only the association's recorded decision
    (`tie_selected`) selects from it, never the order of the rows."""
    select_count = inputs.get("select_count")
    minimum = inputs.get("min_combined_score")
    decided = set(inputs.get("tie_selected") or [])
    for group in groups:
        first = group[0]["rank"]
        last = first + len(group) - 1
        for row in group:
            selected = True
            if select_count is not None:
                line = int(select_count)
                if first <= line < last:
                    row["tied_at_line"] = True
                    selected = row["recommendation"] in decided
                else:
                    selected = last <= line
            if minimum is not None:
                selected = selected and row["combined_score"] >= Decimal(minimum)
            row["selected"] = selected


def rank_from_inputs(inputs: dict) -> list[dict]:
    """Rank a snapshot's candidates. Courses with fewer than `min_expert_scores` expert scores are
    not ranked (rank None, "专家评分不足"). Equal scores are ordered by the campaign's tie rule;
    whatever is still equal shares a rank."""
    expert_weight = Decimal(inputs["expert_weight"])
    vote_weight = Decimal(inputs["vote_weight"])
    drop_min = int(inputs["drop_extremes_min_experts"])
    # Snapshots taken before these rules existed: totals were already out of 100, no minimum.
    full_marks = Decimal(inputs.get("full_marks") or "100")
    min_scores = int(inputs.get("min_expert_scores") or 1)
    tie_rule = inputs.get("tie_rule") or TieRule.EXPERT_THEN_VOTES
    ranked, insufficient = [], []
    for c in inputs["candidates"]:
        totals = [Decimal(t) for t in c["totals"]]
        points = average_expert_score(totals=totals, drop_extremes_min_experts=drop_min)
        row = {
            "recommendation": c["recommendation"],
            "expert_count": len(totals),
            "expert_score": _q(points / full_marks * HUNDRED) if full_marks > 0 else Decimal("0.00"),
            "votes": c["votes"],
            "rank": None,
            "selected": False,
            "tied_at_line": False,
            "insufficient": len(totals) < min_scores,
        }
        (insufficient if row["insufficient"] else ranked).append(row)
    max_votes = max((r["votes"] for r in ranked), default=0)
    for row in ranked + insufficient:
        row["combined_score"] = combined_score(
            expert_score=row["expert_score"],
            votes=row["votes"],
            max_votes=max_votes,
            expert_weight=expert_weight,
            vote_weight=vote_weight,
        )
    ranked.sort(key=lambda r: (*_tie_key(r, tie_rule), r["recommendation"]))
    groups: list[list[dict]] = []
    for position, row in enumerate(ranked, start=1):
        if groups and _tie_key(groups[-1][0], tie_rule) == _tie_key(row, tie_rule):
            row["rank"] = groups[-1][0]["rank"]
            groups[-1].append(row)
        else:
            row["rank"] = position
            groups.append([row])
    _mark_selection(groups, inputs)
    insufficient.sort(key=lambda r: r["recommendation"])
    return ranked + insufficient


def inputs_hash(inputs: dict) -> str:
    canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def published_rules(campaign) -> list[str]:
    """The ranking rules in the words the results page prints (and docs/selection.md quotes)."""
    full = sum((c.max_score for c in campaign.criteria.all()), Decimal("0"))
    rules = [
        FORMULA,
        _("专家评审权重 %(e)s，网络投票权重 %(v)s。")
        % {"e": format_percent(campaign.expert_weight), "v": format_percent(campaign.vote_weight)},
        _(
            "专家评分：各评审指标得分相加为专家总分（满分 %(full)s 分），换算为百分制；"
            "评分专家达到 %(n)s 人时，去掉一个最高分和一个最低分后取平均。"
        )
        % {"full": format(full.normalize(), "f"), "n": campaign.drop_extremes_min_experts},
        _("专家评分少于 %(m)s 份的课程不参与排名，标为“专家评分不足”。") % {"m": campaign.min_expert_scores},
        _("同分规则：%(rule)s；仍并列且跨越入选线的课程，由协会记录理由后裁定。")
        % {"rule": TieRule(campaign.tie_rule).label},
    ]
    if campaign.select_count is not None and campaign.min_combined_score is not None:
        rules.append(
            _("入选：排名前 %(n)s 名且综合得分不低于 %(s)s 分的课程。")
            % {"n": campaign.select_count, "s": format_score(campaign.min_combined_score)}
        )
    elif campaign.select_count is not None:
        rules.append(_("入选：排名前 %(n)s 名的课程。") % {"n": campaign.select_count})
    else:
        rules.append(_("入选：综合得分不低于 %(s)s 分的课程。") % {"s": format_score(campaign.min_combined_score)})
    return rules
