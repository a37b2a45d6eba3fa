from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header from settings.CONTENT_SECURITY_POLICY.

    Django 5.2 has no built-in CSP; the policy forbids inline scripts and third-party origins.
    The browsable API and API docs pages need inline scripts of their own, so they are left out.
    """

    exempt_prefixes = ("/api/docs/", "/api/v1/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and not request.path.startswith(self.exempt_prefixes):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
