from collections import OrderedDict

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

# Entry points listed at /api/v1/; apps' routes appear here once they exist.
_ENTRY_POINTS = [
    ("auth-token", "api-token"),
    ("me", "api-me"),
    ("me-hours", "api-me-hours"),
    ("hour-records", "api-hour-records"),
    ("courses", "api-courses"),
    ("selection-campaigns", "api-campaigns"),
    ("submission-calls", "api-calls"),
]


class ApiRoot(APIView):
    """The portal's API v1: links to its entry points, the schema and the docs."""

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request):
        links = OrderedDict()
        for key, name in _ENTRY_POINTS:
            try:
                links[key] = request.build_absolute_uri(reverse(name))
            except NoReverseMatch:
                continue
        links["schema"] = request.build_absolute_uri(reverse("api-schema"))
        links["docs"] = request.build_absolute_uri(reverse("api-docs"))
        return Response(links)
