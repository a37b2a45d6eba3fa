"""Start-up check: every page and API endpoint names its permission rule.

Pages: wrapped by `portal.permissions.permission_required`, a `RulesRequiredMixin` view, or marked
`portal.permissions.public`. API views: for every method they answer, each permission is either
`RulesPermission` with a named rule or an explicit `AllowAny`. A view that does neither is a page or
endpoint whose access nobody decided, so Django refuses to start (and tests/portal/test_url_rules.py
fails).
"""

from django.core import checks
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from .api.permissions import RulesPermission

# Views of Django and drf-spectacular the portal routes to as they are: logout and password reset
# (must work signed out), translations, the API schema. The admin site (below ADMIN_PREFIX) checks
# is_staff itself.
ADMIN_PREFIX = "admin/"
THIRD_PARTY_MODULES = (
    "django.contrib.auth.views",
    "django.views.i18n",
    "drf_spectacular.",
)


def walk(patterns=None, prefix: str = ""):
    """Yield (route, URLPattern) for every pattern, includes flattened."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _api_view_problems(callback) -> list[str]:
    cls = callback.cls
    problems = []
    for method in cls().allowed_methods:
        if method == "OPTIONS":
            continue
        view = cls(**(callback.initkwargs or {}))
        view.args, view.kwargs, view.format_kwarg = (), {}, None
        view.action_map = getattr(callback, "actions", None)
        view.request = view.initialize_request(RequestFactory().generic(method, "/"))
        for permission in view.get_permissions():
            if isinstance(permission, AllowAny):
                continue
            if isinstance(permission, RulesPermission) and RulesPermission.rule_of(view):
                continue
            problems.append(f"{method}: {type(permission).__name__}")
    return problems


def views_without_rule() -> list[str]:
    """Routes whose view names no permission rule, as 'route -> module.view (why)'."""
    found = []
    for route, pattern in walk():
        if route.startswith(ADMIN_PREFIX):
            continue
        callback = pattern.callback
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        target = cls or callback
        name = f"{target.__module__}.{target.__qualname__}"
        if target.__module__.startswith(THIRD_PARTY_MODULES):
            continue
        if cls is not None and issubclass(cls, APIView):
            problems = _api_view_problems(callback)
            if problems:
                found.append(f"/{route} -> {name} ({', '.join(problems)})")
            continue
        rule = getattr(target, "permission_rule", None) or getattr(target, "permission_required", None)
        if not rule:
            found.append(f"/{route} -> {name} (no permission_required, RulesRequiredMixin or public)")
    return found


@checks.register(checks.Tags.urls)
def check_every_view_names_a_rule(app_configs=None, **kwargs):
    return [
        checks.Error(
            f"View without a permission rule: {problem}",
            hint="Wrap it with portal.permissions.permission_required(...) or mark it public.",
            id="portal.E001",
        )
        for problem in views_without_rule()
    ]
