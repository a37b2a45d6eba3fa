"""What the evaluation does when the catalogue reports a change (courses cannot import selection)."""

from accounts.models import User

from .models import Assignment
from .services import credit_linked_teacher, release_conflicted_assignments


def on_teacher_link_confirmed(sender, *, teacher, **kwargs) -> None:
    """A person confirmed they are a teacher: deferred credit for a course already selected, and
    any review assignment of theirs on that teacher's courses is now a conflict and is removed."""
    credit_linked_teacher(teacher=teacher)
    release_conflicted_assignments(expert=teacher.user)


def on_teacher_saved(sender, *, teacher, **kwargs) -> None:
    """A teacher's workplace changed: experts assigned to that teacher's courses are checked again."""
    experts = User.objects.filter(
        pk__in=Assignment.objects.filter(recommendation__course__teachers=teacher).values("expert")
    )
    for expert in experts:
        release_conflicted_assignments(expert=expert)
