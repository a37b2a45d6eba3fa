"""Frozen courses and their new versions: a course with credited hours keeps its hours, category,
topic and sector; a change is a new course (a version) that points at the old one."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import cache_versions

from ..frozen import FROZEN_FIELDS, CourseFrozenError, frozen_changes, frozen_course_message
from ..models import Course
from ..selectors import PROVIDER_ROLES
from .common import COURSE_FIELDS, require_role_in


def check_course_not_frozen(*, course: Course) -> None:
    """课程一经计入学时即锁定: a course that credited hours point at keeps its hours, category, topic and
    sector, so every record stays what it was compared with and counted as; a change is a new course.

    Reads the stored row locked (the caller's transaction), so a first credit committing meanwhile
    is seen: the freeze (`freeze_courses`) waits for this lock, and this read waits for the freeze."""
    if course.pk is None:
        return
    stored = (
        Course.objects.select_for_update(of=("self",)).filter(pk=course.pk).values("frozen_at", *FROZEN_FIELDS).first()
    )
    if stored is None or stored["frozen_at"] is None:
        return
    changed = frozen_changes(before=stored, after=course)
    if changed:
        raise CourseFrozenError({field: frozen_course_message() for field in changed}, code="course_frozen")


def freeze_courses(*, course_ids) -> dict[int, tuple[Decimal, str]]:
    """Freeze the courses that approved hour records name (called by credits in the same transaction
    as the records) and answer their figures {id: (hours, category)}, final from then on.

    Already frozen courses are only read (their figures cannot change any more). Unfrozen ones are
    locked in id order and frozen; the figures are read after the lock, so a provider's edit that
    committed meanwhile is what the records are compared with."""
    ids = sorted(set(course_ids))
    if not ids:
        return {}
    rows = Course.objects.filter(pk__in=ids).order_by().values_list("pk", "hours", "category", "frozen_at")
    figures = {pk: (hours, category) for pk, hours, category, frozen_at in rows if frozen_at is not None}
    todo = [pk for pk in ids if pk not in figures]
    if not todo:
        return figures
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE courses_course SET frozen_at = %s WHERE id IN ("
                " SELECT id FROM courses_course WHERE id = ANY(%s) AND frozen_at IS NULL ORDER BY id FOR UPDATE)"
                " RETURNING id, hours, category",
                [now, todo],
            )
            figures.update({pk: (hours, category) for pk, hours, category in cursor.fetchall()})
    else:
        Course.objects.filter(pk__in=todo, frozen_at__isnull=True).update(frozen_at=now)
    # Frozen by a concurrent credit meanwhile (or SQLite): read now, final since.
    missing = [pk for pk in todo if pk not in figures]
    if missing:
        rows = Course.objects.filter(pk__in=missing).order_by().values_list("pk", "hours", "category")
        figures.update({pk: (hours, category) for pk, hours, category in rows})
    cache_versions.bump(cache_versions.CATALOGUE)  # update() sends no post_save
    return figures


def new_version_of(*, course: Course) -> Course:
    """A draft copy of `course` (fields and teachers) pointing at it; the original and its records stay."""
    copy = Course(provider_id=course.provider_id, previous_version=course, status=Course.Status.DRAFT)
    for field in COURSE_FIELDS:
        if field != "status":
            setattr(copy, field, getattr(course, field))
    copy.save()
    copy.teachers.set(course.teachers.all())
    return copy


@transaction.atomic
def copy_course_as_new_version(*, actor, course: Course) -> Course:
    """复制为新课程/新版本: the way to change a frozen course. The provider (own unit only) gets a draft
    with the same fields and teachers, linked by `previous_version`, to edit and publish; the old
    course keeps its records (withdraw it if it should no longer be offered)."""
    require_role_in(actor, course.provider, PROVIDER_ROLES)
    if course.status == Course.Status.DRAFT and course.frozen_at is None:
        raise ValidationError(_("草稿课程可直接修改，无需复制为新版本。"), code="draft")
    return new_version_of(course=course)
