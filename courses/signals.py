"""Signals the catalogue sends to apps that depend on it (they import courses, never the reverse)."""

from django.dispatch import Signal

# A person confirmed that a teacher record is them (kwargs: teacher). The evaluation credits a
# teacher of a course selected earlier and removes review assignments that became conflicts.
teacher_link_confirmed = Signal()

# A provider saved a teacher (workplace, former units, ID number) (kwargs: teacher). The
# evaluation removes review assignments that became conflicts of interest.
teacher_saved = Signal()

# A confirmed link ended: the provider withdrew it or changed the teacher's ID number (kwargs:
# teacher, former_user, actor). Sent inside the change's transaction, so the evaluation reverses
# the teaching credit it brought in the same transaction.
teacher_unlinked = Signal()
