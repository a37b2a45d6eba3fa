"""Expert review: assignment without conflicts of interest, and scoring in the review window."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User
from portal.deadlines import in_window

from ..exceptions import RuleBroken
from ..models import Assignment, Campaign, ConflictOfInterest, Criterion, Phase, Recommendation, Score
from ..selectors import candidates, conflicts_by_recommendation, conflicts_for


def _experts() -> list[User]:
    return list(
        User.objects.filter(memberships__role=Role.EXPERT, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("id")
    )


def _check_review_not_over(campaign: Campaign) -> None:
    if campaign.is_past(Phase.REVIEW):
        raise RuleBroken(_("专家评审阶段已结束，不能再调整评审分配。"), code="review_over")


@transaction.atomic
def assign_expert(*, recommendation: Recommendation, expert: User, actor=None) -> Assignment:
    """ "山东省继续工程教育协会组织专家对课程进行评审" — never by an expert with a conflict of interest."""
    _check_review_not_over(recommendation.campaign)
    if recommendation.status != Recommendation.Status.SUBMITTED:
        raise RuleBroken(_("只能为已报送的推荐课程分配专家。"), code="not_submitted")
    if not Membership.objects.active().filter(user=expert, role=Role.EXPERT).exists():
        raise ValidationError(_("该用户不是评审专家。"), code="not_expert")
    conflicts = conflicts_for(expert=expert, recommendation=recommendation)
    if conflicts:
        labels = "、".join(str(ConflictOfInterest.Type(c).label) for c in conflicts)
        raise RuleBroken(
            _("该专家与该课程存在利益冲突（%(types)s），不能分配。") % {"types": labels}, code="conflict_of_interest"
        )
    assignment, _created = Assignment.objects.get_or_create(
        recommendation=recommendation, expert=expert, defaults={"assigned_by": actor}
    )
    return assignment


@transaction.atomic
def auto_assign(
    *, campaign: Campaign, per_course: int | None = None, actor=None, only: list[Recommendation] | None = None
) -> int:
    """Give each submitted course (or only those in `only`) up to N experts, always the least
    loaded eligible ones, skipping conflicts of interest. Returns the number of assignments created."""
    _check_review_not_over(campaign)
    per_course = per_course or campaign.experts_per_course
    experts = _experts()
    recs = list(candidates(campaign=campaign).prefetch_related("assignments"))
    load: dict[int, int] = defaultdict(int)
    for rec in recs:
        for a in rec.assignments.all():
            load[a.expert_id] += 1
    if only is not None:
        wanted = {r.pk for r in only}
        recs = [r for r in recs if r.pk in wanted]
    conflicts = {e.pk: conflicts_by_recommendation(expert=e, recommendations=recs) for e in experts}
    new: list[Assignment] = []
    detected: list[ConflictOfInterest] = []
    for rec in recs:
        have = {a.expert_id for a in rec.assignments.all()}
        eligible = []
        for e in experts:
            found = conflicts[e.pk].get(rec.pk, [])
            detected += [
                ConflictOfInterest(expert=e, recommendation=rec, type=t, source=ConflictOfInterest.Source.DETECTED)
                for t in found
            ]
            if not found and e.pk not in have:
                eligible.append(e.pk)
        eligible.sort(key=lambda e: (load[e], e))
        for expert_id in eligible[: max(0, per_course - len(have))]:
            new.append(Assignment(recommendation=rec, expert_id=expert_id, assigned_by=actor))
            load[expert_id] += 1
    # Detected conflicts are recorded so admins can see why an expert was skipped.
    ConflictOfInterest.objects.bulk_create(detected, ignore_conflicts=True)
    Assignment.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def declare_conflict(*, assignment: Assignment, expert: User, type: str, reason: str = "") -> ConflictOfInterest:
    """An expert declares a conflict of interest; the assignment (and any score on it) is removed."""
    if assignment.expert_id != expert.pk:
        raise ValidationError(_("只能申报分配给本人的课程。"), code="not_yours")
    _check_review_not_over(assignment.recommendation.campaign)
    if type not in ConflictOfInterest.Type.values:
        raise ValidationError(_("请选择回避类型。"), code="invalid_type")
    if type == ConflictOfInterest.Type.DECLARED and not reason.strip():
        raise ValidationError(_("选择“其他（本人申报）”时请填写回避理由。"), code="reason_required")
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        expert=expert,
        recommendation=assignment.recommendation,
        type=type,
        defaults={"source": ConflictOfInterest.Source.DECLARED, "reason": reason[:300]},
    )
    assignment.delete()
    return conflict


def rubric_total(*, criteria: list[Criterion], values: dict[str, Decimal]) -> Decimal:
    """A score sheet adds points: each criterion is scored up to its maximum and the total is
    their sum (six criteria at 12 points each total 72)."""
    return sum((values[c.code] for c in criteria), Decimal("0")).quantize(Decimal("0.01"))


def check_in_review_window(*, campaign: Campaign) -> None:
    """ "山东省继续工程教育协会组织专家对课程进行评审": scores are given during the review window only."""
    if campaign.phase != Phase.REVIEW or not in_window(start=campaign.review_start, end=campaign.review_end):
        raise RuleBroken(_("不在专家评审时间内，不能评分。"), code="review_closed")


def _parse_values(criteria: list[Criterion], raw: dict) -> dict[str, Decimal]:
    if not isinstance(raw, dict):
        raise ValidationError({"criteria": _("评分格式有误。")}, code="invalid")
    known = {c.code: c for c in criteria}
    errors: dict[str, str] = {}
    for code in raw:
        if code not in known:
            errors[str(code)] = _("评审指标“%(code)s”不存在。") % {"code": code}
    values: dict[str, Decimal] = {}
    for code, criterion in known.items():
        if code not in raw or raw[code] in (None, ""):
            errors[code] = _("请为“%(label)s”评分。") % {"label": criterion.label}
            continue
        try:
            value = Decimal(str(raw[code]))
        except (InvalidOperation, ValueError):
            errors[code] = _("“%(label)s”的分数不是数字。") % {"label": criterion.label}
            continue
        if value.is_finite() and value != value.quantize(Decimal("0.1")):
            errors[code] = _("“%(label)s”的分数最多保留一位小数。") % {"label": criterion.label}
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_score:
            errors[code] = _("“%(label)s”的分数须在 0 到 %(max)s 之间。") % {
                "label": criterion.label,
                "max": criterion.max_score,
            }
            continue
        values[code] = value
    if errors:
        raise ValidationError({"criteria": list(errors.values())}, code="invalid_score")
    return values


@transaction.atomic
def submit_score(*, assignment: Assignment, expert: User, criteria: dict, comment: str = "") -> Score:
    """Score each criterion within [0, max]; resubmitting in the window replaces the earlier score."""
    if assignment.expert_id != expert.pk:
        raise ValidationError(_("只能为分配给本人的课程评分。"), code="not_yours")
    # Fresh from the database: the window is decided by the current phase, not a cached object.
    campaign = Campaign.objects.get(pk=assignment.recommendation.campaign_id)
    check_in_review_window(campaign=campaign)
    if conflicts_for(expert=expert, recommendation=assignment.recommendation):
        raise RuleBroken(_("您与该课程存在利益冲突，不能评分。"), code="conflict_of_interest")
    rubric = list(campaign.criteria.all())
    values = _parse_values(rubric, criteria)
    total = rubric_total(criteria=rubric, values=values)
    score, _created = Score.objects.update_or_create(
        assignment=assignment,
        defaults={
            "values": {k: str(v) for k, v in values.items()},
            "total": total,
            "comment": comment,
            "submitted_at": timezone.now(),
        },
    )
    return score
