"""The one set of helpers pages use to page through lists and to show a service's errors.

Paging: `paginate(request, items)` with settings.PAGINATE_BY rows, or a per-view constant passed as
`per_page`. Errors: a service raises ValidationError; `add_errors(form, exc)` puts it on the form
(each field's message by its field, the rest above the form), `error_messages(request, exc)` on
the next page for views without a form (a button that posts).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class _CountedPaginator(Paginator):
    """A paginator told its count by the caller, who has it cheaper than `items.count()`."""

    def __init__(self, items, per_page, *, count: int):
        super().__init__(items, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def paginate(request, items, per_page: int | None = None, *, count: int | None = None) -> Page:
    """The page `?page=` asks for (the last one when past the end, the first when not a number).
    `count`: how many items there are, when the caller can count them more cheaply than the
    queryset's own COUNT (e.g. without the joins that only annotate rows)."""
    per_page = per_page or settings.PAGINATE_BY
    paginator = Paginator(items, per_page) if count is None else _CountedPaginator(items, per_page, count=count)
    return paginator.get_page(request.GET.get("page"))


def add_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors where the form has the field."""
    if hasattr(exc, "error_dict"):
        for field, field_messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in field_messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def error_messages(request, exc: ValidationError) -> None:
    """Show a service's ValidationError as messages, for views that have no form to show it on."""
    for message in exc.messages:
        messages.error(request, message)
