"""Every answer under /api/ is JSON, errors included.

DRF's own errors already are (portal.api.errors), but some never reach DRF: a path no URL
matches, an unexpected exception (Django's 500 page, or the debug traceback page when DEBUG is
on), a request Django refuses before any view. Those come back from Django as HTML; this
middleware replaces such a page with the contract's error shape. The exception itself has been
logged by Django already; its text never reaches the client.
"""

from django.http import JsonResponse

from .errors import error_body

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            body = JsonResponse(error_body(response.status_code), status=response.status_code)
            # A server error's reference (portal.errors.server_error) and when to try again.
            for header in ("X-Error-Reference", "Retry-After"):
                if header in response:
                    body[header] = response[header]
            return body
        return response
