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
from ..selectors import candidates

HUNDRED = Decimal("100")


def _experts() -> list[User]:
    return list(
        User.objects.filter(memberships__role=Role.EXPERT, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("id")
    )


def _check_review_not_over(campaign: Campaign) -> None:
    if campaign.is_past(Phase.REVIEW):
        raise RuleBroken(_("专家评审阶段已结束，不能再调整评审分配。"), code="review_over")


def conflicts_for(*, expert: User, recommendation: Recommendation) -> list[str]:
    """Conflict types between an expert and a recommended course: declared ones plus those the
    data shows (the expert works or worked at the recommending unit, or teaches the course)."""
    found = set(
        ConflictOfInterest.objects.filter(expert=expert, recommendation=recommendation).values_list("type", flat=True)
    )
    for is_active in Membership.objects.filter(user=expert, organisation_id=recommendation.organisation_id).values_list(
        "is_active", flat=True
    ):
        found.add(ConflictOfInterest.Type.SAME_UNIT if is_active else ConflictOfInterest.Type.FORMER_UNIT)
    if recommendation.course.teachers.filter(user=expert).exists():
        found.add(ConflictOfInterest.Type.TEACHER)
    return sorted(found)


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
def auto_assign(*, campaign: Campaign, per_course: int | None = None, actor=None) -> int:
    """Give each submitted course up to N experts, always the least loaded eligible ones, skipping
    conflicts of interest. Returns the number of assignments created."""
    _check_review_not_over(campaign)
    per_course = per_course or campaign.experts_per_course
    experts = _experts()
    expert_ids = [e.pk for e in experts]
    # Units each expert works or worked at, courses they teach, known conflicts: one query each.
    units: dict[int, dict[int, bool]] = defaultdict(dict)
    for user_id, org_id, active in Membership.objects.filter(user_id__in=expert_ids).values_list(
        "user_id", "organisation_id", "is_active"
    ):
        units[user_id][org_id] = units[user_id].get(org_id, False) or active
    recs = list(candidates(campaign=campaign).prefetch_related("course__teachers", "assignments"))
    known = set(
        ConflictOfInterest.objects.filter(recommendation__campaign=campaign).values_list(
            "expert_id", "recommendation_id"
        )
    )
    load: dict[int, int] = defaultdict(int)
    for rec in recs:
        for a in rec.assignments.all():
            load[a.expert_id] += 1
    new: list[Assignment] = []
    detected: list[ConflictOfInterest] = []
    for rec in recs:
        have = {a.expert_id for a in rec.assignments.all()}
        teacher_users = {t.user_id for t in rec.course.teachers.all() if t.user_id}
        eligible = []
        for e in expert_ids:
            found = []
            if rec.organisation_id in units[e]:
                active = units[e][rec.organisation_id]
                found.append(ConflictOfInterest.Type.SAME_UNIT if active else ConflictOfInterest.Type.FORMER_UNIT)
            if e in teacher_users:
                found.append(ConflictOfInterest.Type.TEACHER)
            detected += [
                ConflictOfInterest(expert_id=e, recommendation=rec, type=t, source=ConflictOfInterest.Source.DETECTED)
                for t in found
            ]
            if not found and e not in have and (e, rec.pk) not in known:
                eligible.append(e)
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
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        expert=expert,
        recommendation=assignment.recommendation,
        type=type,
        defaults={"source": ConflictOfInterest.Source.DECLARED, "reason": reason[:300]},
    )
    assignment.delete()
    return conflict


def rubric_total(*, criteria: list[Criterion], values: dict[str, Decimal]) -> Decimal:
    """The weighted rubric total normalised to 100: sum(value / max x weight) / sum(weight) x 100."""
    weights = sum((c.weight for c in criteria), Decimal("0"))
    if weights <= 0:
        return Decimal("0.00")
    total = sum((values[c.code] / c.max_score * c.weight for c in criteria), Decimal("0"))
    return (total / weights * HUNDRED).quantize(Decimal("0.01"))


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
