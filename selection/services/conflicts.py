"""Conflicts of interest that appear after assignment (a confirmed teacher link, a new job, a
teacher's new unit): the assignment is removed, the association is told, the course re-assigned."""

from django.db import transaction

from accounts.models import AuditEvent, User
from accounts.services import audit

from ..models import Assignment, ConflictOfInterest, Phase, ReleasedAssignment, Score
from ..selectors import assignments_of_expert, conflicted_assignments
from .review import auto_assign


def release_conflicted_assignments(*, expert) -> list[ReleasedAssignment]:
    """Remove every assignment of this expert that a conflict of interest now forbids (any score
    on it is void), list it for the association with the audit log, and give the course another
    expert while the review is still open."""
    return _release(expert=expert, conflicted=conflicted_assignments(expert=expert))


@transaction.atomic
def _release(*, expert, conflicted) -> list[ReleasedAssignment]:
    released = []
    for assignment, types in conflicted:
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
        replacements = 0
        if not campaign.is_past(Phase.REVIEW):
            replacements = auto_assign(campaign=campaign, only=[rec])
        released.append(
            ReleasedAssignment.objects.create(
                campaign=campaign,
                recommendation=rec,
                expert=expert,
                types=types,
                had_score=had_score,
                replacements=replacements,
            )
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
    """Check every assigned expert of the campaign (before the ranking is computed from scores)."""
    experts = User.objects.filter(pk__in=Assignment.objects.filter(recommendation__campaign=campaign).values("expert"))
    return sum(len(release_conflicted_assignments(expert=e)) for e in experts)


def access_assignments(*, expert):
    """The expert's assignments they may open or score: the conflict rule is applied first and any
    assignment it now forbids is removed. Every expert page and the score API read through this."""
    conflicted = conflicted_assignments(expert=expert)
    if conflicted:
        _release(expert=expert, conflicted=conflicted)
    return assignments_of_expert(expert=expert, conflicted=[a.pk for a, _types in conflicted])
