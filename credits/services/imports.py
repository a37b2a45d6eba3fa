"""The record kept of each upload on the hours import page (`HoursImport`)."""

from django.utils.translation import gettext as _

from accounts.models import Organisation

from ..models import HoursImport

# A junk file can hold thousands of bad rows; the record keeps the first messages and their count.
MAX_KEPT_ERRORS = 200


def log_hours_import(
    *,
    organisation: Organisation,
    actor,
    file_name: str,
    rows: int,
    created: int = 0,
    existing: int = 0,
    errors: list[str] | tuple = (),
) -> HoursImport:
    """Record one upload: succeeded when it has no errors (then its rows were stored), else failed
    (then nothing was stored)."""
    errors = list(errors)
    return HoursImport.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        file_name=(file_name or _("未命名文件"))[:200],
        rows=rows,
        created=created,
        existing=existing,
        outcome=HoursImport.Outcome.FAILED if errors else HoursImport.Outcome.SUCCEEDED,
        errors=errors[:MAX_KEPT_ERRORS],
        error_count=len(errors),
    )
