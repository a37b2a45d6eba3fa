"""Helpers the catalogue's views share: which unit the user is acting for (paging and error
display: portal.pages)."""

from django.core.exceptions import PermissionDenied

from accounts.models import Organisation
from portal.bounds import whole_number


def acting_unit(request, ids: list[int]) -> Organisation:
    """The unit the user acts for: `?org=<id>` when they hold roles in several, else their first."""
    if not ids:
        raise PermissionDenied
    wanted = request.POST.get("org") or request.GET.get("org")
    pk = wanted if (wanted := whole_number(wanted)) in ids else ids[0]
    return Organisation.objects.get(pk=pk)


def units(ids: list[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if len(ids) > 1 else []
