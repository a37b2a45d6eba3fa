from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """page_size from 1 to max_page_size; anything else is refused (400), never served as
        some other size."""
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [_("每页条数应为 1 至 %(max)s 的整数。") % {"max": self.max_page_size}]},
                code="invalid_page_size",
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        """The schema states the bounds: pages count from 1 (a page past the end is 404), and a
        page holds 1 to max_page_size rows (another page_size is refused with 400)."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
