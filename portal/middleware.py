from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language with the language switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language; a provincial portal
    speaks Chinese to everyone first (and the API's error details are Chinese by contract), so
    only the language cookie set by the switch counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
