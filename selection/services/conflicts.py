"""Conflicts of interest that appear after assignment (a confirmed teacher link, a new job, a
teacher's new unit). While the campaign is still in review (or before) the assignment is removed,
the association is told and the course re-assigned. Past review (voting, 公示, confirmed,
published) nothing is voided: the conflict is flagged for the association (`ConflictFlag`), which
may correct a sealed result explicitly (`corrections.correct_results`)."""

from django.db import transaction

from accounts.models import AuditEvent, User
from accounts.services import audit

from ..models import Assignment, ConflictFlag, ConflictOfInterest, Phase, ReleasedAssignment, Score
from ..selectors import assignments_of_expert, conflicted_assignments
from .review import auto_assign


def release_conflicted_assignments(*, expert, campaign=None) -> list[ReleasedAssignment]:
    """Remove every assignment of this expert (in `campaign` when given) that a conflict of
    interest now forbids, in campaigns still in review: any score on it is void, it is listed for
    the association with the audit log, and the course gets another expert. In campaigns past
    review the conflict is only flagged (`flag_conflict`)."""
    return _act(expert=expert, conflicted=conflicted_assignments(expert=expert, campaign=campaign))


def in_review(campaign) -> bool:
    """The only phases in which a conflict found later voids a score."""
    return not campaign.is_past(Phase.REVIEW)


@transaction.atomic
def _act(*, expert, conflicted) -> list[ReleasedAssignment]:
    released = []
    for assignment, types in conflicted:
        if in_review(assignment.recommendation.campaign):
            released.append(_release(expert=expert, assignment=assignment, types=types))
        else:
            flag_conflict(expert=expert, assignment=assignment, types=types)
    return released


def flag_conflict(*, expert, assignment, types: list[str]) -> ConflictFlag | None:
    """A conflict found after review: the score stands and the association is told (once)."""
    rec = assignment.recommendation
    campaign = rec.campaign
    had_score = Score.objects.filter(assignment=assignment).exists()
    flag, created = ConflictFlag.objects.get_or_create(
        recommendation=rec,
        expert=expert,
        defaults={"campaign": campaign, "types": types, "had_score": had_score, "phase": campaign.phase},
    )
    if created:
        audit(
            type=AuditEvent.Type.OTHER,
            target=campaign,
            data={
                "event": "conflict_flagged_after_review",
                "recommendation": rec.pk,
                "expert": expert.pk,
                "types": types,
                "had_score": had_score,
                "phase": campaign.phase,
            },
        )
    return flag


def _release(*, expert, assignment, types: list[str]) -> ReleasedAssignment:
    rec = assignment.recommendation
    campaign = rec.campaign
    had_score = Score.objects.filter(assignment=assignment).exists()
    ConflictOfInterest.objects.bulk_create(
        [
            ConflictOfInterest(expert=expert, recommendation=rec, type=t, source=ConflictOfInterest.Source.DETECTED)
            for t in types
        ],
        ignore_conflicts=True,
    )
    Assignment.objects.filter(pk=assignment.pk).delete()
    replacements = auto_assign(campaign=campaign, only=[rec])
    released = ReleasedAssignment.objects.create(
        campaign=campaign,
        recommendation=rec,
        expert=expert,
        types=types,
        had_score=had_score,
        replacements=replacements,
    )
    audit(
        type=AuditEvent.Type.OTHER,
        actor=None,
        target=campaign,
        data={
            "event": "assignment_released_for_conflict",
            "recommendation": rec.pk,
            "expert": expert.pk,
            "types": types,
            "had_score": had_score,
            "replacements": replacements,
        },
    )
    return released


def release_conflicts_in(*, campaign) -> int:
    """Check every assigned expert of this campaign, and only this one (before the ranking is
    computed from scores): released while in review, flagged after."""
    experts = User.objects.filter(pk__in=Assignment.objects.filter(recommendation__campaign=campaign).values("expert"))
    return sum(len(release_conflicted_assignments(expert=e, campaign=campaign)) for e in experts)


def access_assignments(*, expert):
    """The expert's assignments they may open or score: the conflict rule is applied first. An
    assignment it now forbids is not reachable; it is removed only in a campaign still in review
    (a read never changes a campaign past review). Every expert page and the score API read
    through this."""
    conflicted = conflicted_assignments(expert=expert)
    reviewing = [(a, types) for a, types in conflicted if in_review(a.recommendation.campaign)]
    if reviewing:
        _act(expert=expert, conflicted=reviewing)
    return assignments_of_expert(expert=expert, conflicted=[a.pk for a, _types in conflicted])
