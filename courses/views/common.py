"""Helpers the catalogue's views share: which unit the user is acting for, paging, error display."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator

from accounts.models import Organisation


def acting_unit(request, ids: list[int]) -> Organisation:
    """The unit the user acts for: `?org=<id>` when they hold roles in several, else their first."""
    if not ids:
        raise PermissionDenied
    wanted = request.POST.get("org") or request.GET.get("org")
    pk = int(wanted) if wanted and wanted.isdigit() and int(wanted) in ids else ids[0]
    return Organisation.objects.get(pk=pk)


def units(ids: list[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if len(ids) > 1 else []


def paginate(request, queryset, per_page: int | None = None):
    return Paginator(queryset, per_page or settings.PAGINATE_BY).get_page(request.GET.get("page"))


def add_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where the form has the field)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
