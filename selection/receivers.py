"""What the evaluation does when the catalogue reports a change (courses cannot import selection)."""

import logging

from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, User
from accounts.services import audit

from .models import Assignment
from .services import credit_linked_teacher, release_conflicted_assignments, reverse_unlinked_teacher

logger = logging.getLogger(__name__)


def on_teacher_link_confirmed(sender, *, teacher, **kwargs) -> None:
    """A person confirmed they are a teacher: deferred credit for a course already selected, and
    any review assignment of theirs on that teacher's courses is now a conflict and is removed.
    The person's confirmation is already saved: a refused credit (e.g. the year is closed in the
    ledger) is logged for the association instead of failing their request."""
    release_conflicted_assignments(expert=teacher.user)
    try:
        credit_linked_teacher(teacher=teacher)
    except ValidationError as exc:
        logger.warning("deferred teaching credit refused for teacher %s: %s", teacher.pk, exc.messages)
        audit(
            type=AuditEvent.Type.OTHER,
            target=f"teacher {teacher.pk}",
            data={"event": "teaching_credit_deferred_refused", "teacher": teacher.pk, "reason": exc.messages},
        )


def on_teacher_unlinked(sender, *, teacher, actor=None, **kwargs) -> None:
    """A confirmed link ended: the teaching credit it brought is reversed (audited), in the same
    transaction as the change."""
    reverse_unlinked_teacher(teacher=teacher, actor=actor)


def on_teacher_saved(sender, *, teacher, **kwargs) -> None:
    """A teacher's workplace changed: experts assigned to that teacher's courses are checked again
    (released in campaigns still in review, flagged for the association after)."""
    experts = User.objects.filter(
        pk__in=Assignment.objects.filter(recommendation__course__teachers=teacher).values("expert")
    )
    for expert in experts:
        release_conflicted_assignments(expert=expert)
