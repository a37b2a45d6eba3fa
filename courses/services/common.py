"""Shared by the catalogue's services: field lists, year bounds, the one ownership check."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.selectors import roles_of

COURSE_FIELDS = (
    "title",
    "category",
    "topic",
    "sector",
    "hours",
    "mode",
    "platform",
    "url",
    "description",
    "year_from",
    "year_to",
    "is_original",
    "copyright_holder",
    "status",
    "place",
    "start_date",
    "end_date",
)
PLATFORM_FIELDS = ("name", "url", "audience", "department", "notes", "is_active")
GUIDE_FIELDS = ("year", "title", "hours_requirement", "learning_forms", "related_requirements")
# Years outside this range are typing mistakes, not catalogue years.
MIN_YEAR, MAX_YEAR = 2000, 2100


def require_role_in(actor, organisation: Organisation, roles) -> None:
    """Refuse unless the actor holds one of `roles` in this very unit (no one edits another unit's)."""
    if not any(g.organisation_id == organisation.pk and g.role in roles for g in roles_of(actor)):
        raise PermissionDenied(_("您无权管理该单位的数据。"))
