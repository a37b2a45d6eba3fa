"""Writes of the catalogue. Each notice rule is one function quoting the notice's sentence.

Split by concept; everything is importable as `courses.services.<name>`.
"""

from .common import MAX_YEAR, MIN_YEAR, require_role_in
from .courses import (
    check_course_hours,
    check_course_on_own_platform,
    check_department_teaches_own_sector,
    check_offline_course_has_place_and_dates,
    check_professional_course_has_sector,
    check_provider_kind,
    check_public_course_has_topic,
    check_teacher_names,
    ensure_base_may_publish,
    parse_hours,
    publish_courses,
    save_course,
    set_course_status,
    validate_course,
)
from .guides import delete_section, publish_guide, save_guide, save_section, unpublish_guide
from .plans import decide_work_plan, submit_work_plan
from .topics import copy_topics_to_year, delete_topic, save_topic
from .units import (
    confirm_teacher_link,
    decline_teacher_link,
    save_platform,
    save_teacher,
    unlink_teacher_account,
)
from .versions import check_course_not_frozen, copy_course_as_new_version, freeze_courses, new_version_of

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "check_course_hours",
    "check_course_not_frozen",
    "check_course_on_own_platform",
    "check_department_teaches_own_sector",
    "check_offline_course_has_place_and_dates",
    "check_professional_course_has_sector",
    "check_provider_kind",
    "check_public_course_has_topic",
    "check_teacher_names",
    "confirm_teacher_link",
    "copy_course_as_new_version",
    "copy_topics_to_year",
    "decide_work_plan",
    "decline_teacher_link",
    "delete_section",
    "delete_topic",
    "ensure_base_may_publish",
    "freeze_courses",
    "new_version_of",
    "parse_hours",
    "publish_courses",
    "publish_guide",
    "require_role_in",
    "save_course",
    "save_guide",
    "save_platform",
    "save_section",
    "save_teacher",
    "save_topic",
    "set_course_status",
    "submit_work_plan",
    "unlink_teacher_account",
    "unpublish_guide",
    "validate_course",
]
