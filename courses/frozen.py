"""A course with credited hours is frozen in hours, category, topic and sector (docs/courses.md,
"Frozen courses and new versions"). The credits app freezes a course, through
`courses.services.freeze_courses`, in the same transaction as the first approved record naming it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The figures a credited hour was compared with and counted in: hours (the most a record may claim,
# and the teaching credit's base), category (public / professional), topic and sector
# (requirements and reports count by them).
FROZEN_FIELDS = ("hours", "category", "topic_id", "sector_id")


class CourseFrozenError(ValidationError):
    """Raised when code tries to change a frozen figure of a course with credited hours."""


def frozen_course_message() -> str:
    return _(
        "该课程已有学时计入专业技术人员的学时记录，学时、科目类别、公需课专题和所属行业已锁定，不能修改。"
        "如需调整，请使用“复制为新课程/新版本”发布新课程，原课程及其学时记录保持不变。"
    )


def frozen_changes(*, before: dict, after) -> list[str]:
    """The frozen fields (form names: `topic`, not `topic_id`) whose value differs between a frozen
    course as stored (`before`) and `after`."""
    return [f.removesuffix("_id") for f in FROZEN_FIELDS if getattr(after, f) != before.get(f)]


class FrozenFiguresMixin:
    """Model-level guard for every `save()` (the admin, scripts, services): the figures as loaded are
    kept, and a frozen course refuses to save changed ones. `.update()` skips it: on PostgreSQL the
    trigger of migration courses/0009 refuses it; SQLite has no such trigger (docs/courses.md)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if instance.__dict__.get("frozen_at") is not None:
            instance._frozen_figures = {f: instance.__dict__.get(f) for f in FROZEN_FIELDS}
        return instance

    def frozen_changes(self) -> list[str]:
        before = getattr(self, "_frozen_figures", None)
        return frozen_changes(before=before, after=self) if before is not None else []

    def clean(self):
        super().clean()
        changed = self.frozen_changes()
        if changed:
            raise CourseFrozenError({field: frozen_course_message() for field in changed})

    def save(self, *args, **kwargs):
        changed = self.frozen_changes()
        if changed:
            raise CourseFrozenError({field: frozen_course_message() for field in changed})
        super().save(*args, **kwargs)
