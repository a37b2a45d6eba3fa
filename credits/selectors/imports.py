"""Past hours imports, as the importing unit sees them."""

from django.db.models import QuerySet

from accounts.models import Organisation

from ..models import HoursImport


def imports_of(*, organisation: Organisation | None) -> QuerySet[HoursImport]:
    """The unit's own imports, newest first (no other unit's, whoever asks)."""
    if organisation is None:
        return HoursImport.objects.none()
    return (
        HoursImport.objects.filter(organisation=organisation)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
