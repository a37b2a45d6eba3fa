"""Ranking, public notice with objections, confirmation and publication.

A ranking is a pure function of its inputs (anonymised expert totals, votes, weights, the
selection rule); the inputs are stored with their hash so the ranking can be recomputed later.
"""

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, Role
from accounts.selectors import first_organisation_id
from accounts.services import audit
from portal.deadlines import in_window

from ..exceptions import AlreadyDone, RuleBroken
from ..models import (
    Campaign,
    ExcellentTeacherCertificate,
    Objection,
    Phase,
    Result,
    ResultSnapshot,
    Score,
    TeacherPoolEntry,
)
from ..selectors import candidates_with_votes, latest_snapshot
from .campaigns import move_phase

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
FORMULA = "综合得分 = 专家评审权重 × 专家评分（百分制） + 网络投票权重 × 得票数 ÷ 最高得票数 × 100"


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def average_expert_score(*, totals: list[Decimal], drop_extremes_min_experts: int) -> Decimal:
    """A course's expert score: the experts' totals averaged; with at least
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


def rank_from_inputs(inputs: dict) -> list[dict]:
    """Rank the candidates of a snapshot's inputs; ties on the combined score go to the higher
    expert score, then to the earlier recommendation."""
    expert_weight = Decimal(inputs["expert_weight"])
    vote_weight = Decimal(inputs["vote_weight"])
    drop_min = int(inputs["drop_extremes_min_experts"])
    max_votes = max((c["votes"] for c in inputs["candidates"]), default=0)
    rows = []
    for c in inputs["candidates"]:
        totals = [Decimal(t) for t in c["totals"]]
        expert = average_expert_score(totals=totals, drop_extremes_min_experts=drop_min)
        rows.append(
            {
                "recommendation": c["recommendation"],
                "expert_count": len(totals),
                "expert_score": expert,
                "votes": c["votes"],
                "combined_score": combined_score(
                    expert_score=expert,
                    votes=c["votes"],
                    max_votes=max_votes,
                    expert_weight=expert_weight,
                    vote_weight=vote_weight,
                ),
            }
        )
    rows.sort(key=lambda r: (-r["combined_score"], -r["expert_score"], r["recommendation"]))
    select_count = inputs.get("select_count")
    minimum = inputs.get("min_combined_score")
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        if select_count is not None:
            row["selected"] = rank <= int(select_count)
        else:
            row["selected"] = row["combined_score"] >= Decimal(minimum)
        if select_count is not None and minimum is not None:
            row["selected"] = row["selected"] and row["combined_score"] >= Decimal(minimum)
    return rows


def inputs_hash(inputs: dict) -> str:
    canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _collect_inputs(campaign: Campaign) -> dict:
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
        "select_count": campaign.select_count,
        "min_combined_score": None if campaign.min_combined_score is None else str(campaign.min_combined_score),
        "criteria": [
            {"code": c.code, "max_score": str(c.max_score), "weight": str(c.weight)} for c in campaign.criteria.all()
        ],
        # Expert totals only, sorted: who gave which score is not part of the published inputs.
        "candidates": [
            {"recommendation": rec.pk, "totals": sorted(totals.get(rec.pk, []), key=Decimal), "votes": rec.vote_count}
            for rec in candidates_with_votes(campaign=campaign).order_by("id")
        ],
    }


@transaction.atomic
def compute_results(*, campaign: Campaign, actor=None) -> ResultSnapshot:
    """Snapshot the inputs with their hash and store the ranking computed from them."""
    inputs = _collect_inputs(campaign)
    snapshot = ResultSnapshot.objects.create(
        campaign=campaign, inputs=inputs, sha256=inputs_hash(inputs), created_by=actor
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


def answer_objection(*, objection: Objection, answer: str, actor) -> Objection:
    if not answer.strip():
        raise ValidationError({"answer": _("请填写答复内容。")}, code="required")
    if objection.campaign.is_past(Phase.OBJECTION):
        raise RuleBroken(_("结果已确认，不能再修改答复。"), code="already_confirmed")
    objection.answer = answer.strip()
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    return objection


@transaction.atomic
def confirm_results(*, campaign: Campaign, actor) -> Campaign:
    """After the public notice, with every objection answered, the ranking is recomputed and confirmed."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.phase != Phase.OBJECTION:
        if campaign.is_past(Phase.OBJECTION):
            raise AlreadyDone(_("结果已经确认。"), code="already_confirmed")
        raise RuleBroken(_("结果公示后才能确认结果。"), code="not_in_objection")
    if campaign.objections.filter(answered_at__isnull=True).exists():
        raise RuleBroken(_("还有未答复的异议，请先逐一答复。"), code="objections_open")
    compute_results(campaign=campaign, actor=actor)
    return move_phase(campaign=campaign, to_phase=Phase.CONFIRMED, actor=actor)


def _association_of(actor) -> Organisation:
    """The association recording the teaching credit: the publishing admin's unit."""
    org_id = first_organisation_id(actor, Role.ASSOCIATION_ADMIN) if actor is not None else None
    association = Organisation.objects.filter(pk=org_id).first() if org_id else None
    association = association or Organisation.objects.filter(kind=Organisation.Kind.ASSOCIATION).order_by("id").first()
    if association is None:
        raise RuleBroken(_("未找到山东省继续工程教育协会，无法登记授课学时。"), code="no_association")
    return association


def _certificate_number(campaign: Campaign, sequence: int) -> str:
    return f"SDCEE-{campaign.year}-{sequence:04d}"


@transaction.atomic
def publish_results(*, campaign: Campaign, actor) -> Campaign:
    """ "确定入选名单，并在山东省专业技术人员继续教育公共服务平台上公布、推广" and the consequences:
    "按照课程课时的2倍计算授课教师年度继续教育学时。相关课程的授课教师列入山东继续教育师资库，并由山东省
    继续工程教育协会颁发优秀师资特聘证书。" All in one transaction."""
    from credits.services import credit_teaching

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.phase == Phase.PUBLISHED:
        raise AlreadyDone(_("结果已发布，不能重复发布。"), code="already_published")
    if campaign.phase != Phase.CONFIRMED:
        raise RuleBroken(_("结果尚未确认，不能发布。"), code="not_confirmed")
    snapshot = latest_snapshot(campaign=campaign)
    selected = list(
        snapshot.results.filter(selected=True)
        .select_related("recommendation__course")
        .prefetch_related("recommendation__course__teachers__user")
        .order_by("rank")
    )
    association = _association_of(actor)
    today = timezone.localdate()
    sequence = ExcellentTeacherCertificate.objects.filter(campaign=campaign).count()
    for result in selected:
        course = result.recommendation.course
        for teacher in course.teachers.all():
            if teacher.user_id:
                credit_teaching(
                    teacher_user=teacher.user,
                    course=course,
                    year=campaign.year,
                    recorded_by=association,
                    external_ref=f"selection-{campaign.year}-{result.recommendation_id}-{teacher.pk}",
                    actor=actor,
                )
            TeacherPoolEntry.objects.get_or_create(teacher=teacher, campaign=campaign, course=course)
            if not ExcellentTeacherCertificate.objects.filter(teacher=teacher, campaign=campaign).exists():
                sequence += 1
                ExcellentTeacherCertificate.objects.create(
                    teacher=teacher, campaign=campaign, number=_certificate_number(campaign, sequence), issued_on=today
                )
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["published_at"])
    move_phase(campaign=campaign, to_phase=Phase.PUBLISHED, actor=actor)
    audit(
        type=AuditEvent.Type.RESULT_PUBLISHED,
        actor=actor,
        target=campaign,
        data={"year": campaign.year, "snapshot": snapshot.pk, "sha256": snapshot.sha256, "selected": len(selected)},
    )
    return campaign
