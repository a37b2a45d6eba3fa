"""Signals the catalogue sends to apps that depend on it (they import courses, never the reverse)."""

from django.dispatch import Signal

# A person confirmed that a teacher record is them (kwargs: teacher). The evaluation credits a
# teacher of a course selected earlier and removes review assignments that became conflicts.
teacher_link_confirmed = Signal()

# A provider saved a teacher (workplace, former units, ID number) (kwargs: teacher). The
# evaluation removes review assignments that became conflicts of interest.
teacher_saved = Signal()
