"""Results: snapshots of the ranking's inputs, the public notice with objections, tie decisions
and confirmation. The ranking is a pure function of the stored inputs (`ranking.py`), so it can
be recomputed later and compared with the stored hash."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit
from portal.deadlines import in_window

from ..exceptions import AlreadyDone, RuleBroken
from ..models import Campaign, Objection, ObjectionAnswer, Phase, Result, ResultSnapshot, Score, TieDecision
from ..selectors import candidates_with_votes, latest_snapshot
from .campaigns import move_phase
from .ranking import FORMULA, inputs_hash, published_rules, rank_from_inputs
from .sealing import live_differences, sealed_payload


def _decided_ties(campaign: Campaign) -> list[int]:
    decision = campaign.tie_decisions.order_by("-created_at", "-id").first()
    return sorted(decision.selected) if decision else []


def _collect_inputs(campaign: Campaign) -> dict:
    criteria = list(campaign.criteria.all())
    totals: dict[int, list[str]] = {}
    for rec_id, total in Score.objects.filter(assignment__recommendation__campaign=campaign).values_list(
        "assignment__recommendation_id", "total"
    ):
        totals.setdefault(rec_id, []).append(str(total))
    return {
        "campaign": campaign.year,
        "formula": FORMULA,
        "expert_weight": str(campaign.expert_weight),
        "vote_weight": str(campaign.vote_weight),
        "drop_extremes_min_experts": campaign.drop_extremes_min_experts,
        "min_expert_scores": campaign.min_expert_scores,
        "tie_rule": campaign.tie_rule,
        "tie_selected": _decided_ties(campaign),
        "full_marks": str(sum((c.max_score for c in criteria), Decimal("0"))),
        "select_count": campaign.select_count,
        "min_combined_score": None if campaign.min_combined_score is None else str(campaign.min_combined_score),
        "criteria": [{"code": c.code, "max_score": str(c.max_score)} for c in criteria],
        # Expert totals only, sorted: who gave which score is not part of the published inputs.
        "candidates": [
            {"recommendation": rec.pk, "totals": sorted(totals.get(rec.pk, []), key=Decimal), "votes": rec.vote_count}
            for rec in candidates_with_votes(campaign=campaign).order_by("id")
        ],
    }


@transaction.atomic
def compute_results(*, campaign: Campaign, actor=None, version: int | None = None, reason: str = "") -> ResultSnapshot:
    """Snapshot the inputs with their hash and store the ranking computed from them. With a
    `version` the snapshot is sealed: it also holds everything published (`sealing.sealed_payload`)."""
    inputs = _collect_inputs(campaign)
    if version is not None:
        inputs["sealed"] = sealed_payload(
            campaign=campaign,
            rec_ids=[c["recommendation"] for c in inputs["candidates"]],
            rules=published_rules(campaign),
        )
    snapshot = ResultSnapshot.objects.create(
        campaign=campaign,
        inputs=inputs,
        sha256=inputs_hash(inputs),
        created_by=actor,
        version=version,
        reason=reason,
    )
    Result.objects.bulk_create(
        Result(
            snapshot=snapshot,
            campaign=campaign,
            recommendation_id=row["recommendation"],
            rank=row["rank"],
            expert_count=row["expert_count"],
            expert_score=row["expert_score"],
            votes=row["votes"],
            combined_score=row["combined_score"],
            selected=row["selected"],
            tied_at_line=row["tied_at_line"],
        )
        for row in rank_from_inputs(inputs)
    )
    return snapshot


def verify_snapshot(*, snapshot: ResultSnapshot) -> list[str]:
    """Recompute a stored ranking from its snapshot; return the differences (empty when unchanged)."""
    problems: list[str] = []
    if inputs_hash(snapshot.inputs) != snapshot.sha256:
        problems.append(_("输入数据的哈希值与记录不符。"))
    stored = {
        r.recommendation_id: r
        for r in snapshot.results.all().only(
            "recommendation_id", "rank", "expert_score", "votes", "combined_score", "selected"
        )
    }
    recomputed = rank_from_inputs(snapshot.inputs)
    if len(recomputed) != len(stored):
        problems.append(_("结果条数不一致。"))
    for row in recomputed:
        r = stored.get(row["recommendation"])
        if r is None or (r.rank, r.expert_score, r.votes, r.combined_score, r.selected) != (
            row["rank"],
            row["expert_score"],
            row["votes"],
            row["combined_score"],
            row["selected"],
        ):
            problems.append(_("推荐 %(id)s 的结果与重新计算不一致。") % {"id": row["recommendation"]})
    return problems


def verify_results(*, snapshot: ResultSnapshot) -> list[str]:
    """`manage.py verify_results`: the stored ranking recomputed from its snapshot and, once
    sealed, every difference between the snapshot and the live scores, votes, courses and teachers."""
    rules = published_rules(snapshot.campaign) if snapshot.is_sealed else []
    return verify_snapshot(snapshot=snapshot) + live_differences(snapshot=snapshot, rules=rules)


def check_in_objection_period(*, campaign: Campaign) -> None:
    in_dates = in_window(start=campaign.objection_start, end=campaign.objection_end)
    if campaign.phase != Phase.OBJECTION or not in_dates:
        raise RuleBroken(_("不在结果公示期内，不能提出异议。"), code="objection_closed")


def file_objection(*, campaign: Campaign, user, reason: str, recommendation=None) -> Objection:
    """During the public notice (公示) anyone logged in may object, with a reason."""
    check_in_objection_period(campaign=campaign)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写异议理由。")}, code="required")
    if recommendation is not None and recommendation.campaign_id != campaign.pk:
        raise ValidationError(_("该课程不属于本次评选。"), code="invalid")
    return Objection.objects.create(
        campaign=campaign, recommendation=recommendation, filed_by=user, reason=reason.strip()
    )


@transaction.atomic
def answer_objection(*, objection: Objection, answer: str, actor, reason: str = "") -> Objection:
    """The association answers each objection. An answer once given is not overwritten without a
    trace: a changed answer needs a reason and becomes a new version (`ObjectionAnswer`, with who
    and when); the earlier ones stay, for the filer and, after publication, for everyone."""
    objection = Objection.objects.select_for_update().select_related("campaign").get(pk=objection.pk)
    answer, reason = answer.strip(), reason.strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复内容。")}, code="required")
    if objection.campaign.is_past(Phase.OBJECTION):
        raise RuleBroken(_("结果已确认，不能再修改答复。"), code="already_confirmed")
    if objection.answered_at is not None:
        if answer == objection.answer:
            return objection
        if not reason:
            raise ValidationError(
                {"reason": _("该异议已答复，修改答复须填写理由（原答复将保留）。")}, code="reason_required"
            )
    version = ObjectionAnswer.objects.create(
        objection=objection, answer=answer, reason=reason if objection.answered_at else "", actor=actor
    )
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = version.created_at
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    return objection


@transaction.atomic
def decide_tie(*, campaign: Campaign, selected: list[int], reason: str, actor) -> TieDecision:
    """Courses still tied across the selection line after the tie rule: the association picks the
    ones to select, as many as the places left, and records why; the ranking is recomputed."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.phase != Phase.OBJECTION:
        raise RuleBroken(_("只能在结果公示期间裁定并列课程。"), code="not_in_objection")
    snapshot = latest_snapshot(campaign=campaign)
    tied = list(snapshot.results.filter(tied_at_line=True).order_by("recommendation_id")) if snapshot else []
    if not tied:
        raise RuleBroken(_("入选线上没有并列课程，无需裁定。"), code="no_tie")
    places = int(campaign.select_count) - tied[0].rank + 1
    tied_ids = [r.recommendation_id for r in tied]
    chosen = sorted(set(selected))
    if not set(chosen) <= set(tied_ids) or len(chosen) != places:
        raise ValidationError(
            {"selected": _("请从并列课程中选择 %(n)s 门入选。") % {"n": places}}, code="invalid_tie_choice"
        )
    if not reason.strip():
        raise ValidationError({"reason": _("请填写裁定理由。")}, code="required")
    decision = TieDecision.objects.create(
        campaign=campaign, tied=tied_ids, selected=chosen, reason=reason.strip(), actor=actor
    )
    audit(
        type=AuditEvent.Type.TIE_DECIDED,
        actor=actor,
        target=campaign,
        data={"tied": tied_ids, "selected": chosen, "reason": reason.strip()},
    )
    compute_results(campaign=campaign, actor=actor)
    return decision


@transaction.atomic
def confirm_results(*, campaign: Campaign, actor, reason: str = "") -> Campaign:
    """After the public notice, with every objection answered and no tie across the selection
    line left undecided, the ranking is recomputed and confirmed."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.phase != Phase.OBJECTION:
        if campaign.is_past(Phase.OBJECTION):
            raise AlreadyDone(_("结果已经确认。"), code="already_confirmed")
        raise RuleBroken(_("结果公示后才能确认结果。"), code="not_in_objection")
    if campaign.objections.filter(answered_at__isnull=True).exists():
        raise RuleBroken(_("还有未答复的异议，请先逐一答复。"), code="objections_open")
    # Sealed here: from now on the published outcome is this snapshot (version 1), not live data.
    tied = compute_results(campaign=campaign, actor=actor, version=1).results.filter(tied_at_line=True)
    if tied.exists() and not tied.filter(selected=True).exists():
        raise RuleBroken(_("入选线上有并列课程，请先记录裁定理由。"), code="tie_undecided")
    return move_phase(campaign=campaign, to_phase=Phase.CONFIRMED, actor=actor, reason=reason)
