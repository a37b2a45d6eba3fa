"""The one DRF permission class, and the API's default: asks django-rules for the view's named
permission. A view that names none is refused (not let through), so an endpoint that forgets its
rule is closed, and the URL walk (portal.checks) reports it."""

from rest_framework.permissions import BasePermission


class RulesPermission(BasePermission):
    """Set `permission_required` (a rules permission name) on the view, and optionally
    `object_permission_required` for per-object checks (defaults to the same name)."""

    @staticmethod
    def rule_of(view) -> str | None:
        return getattr(view, "permission_required", None)

    def has_permission(self, request, view):
        name = self.rule_of(view)
        if name is None:
            return False
        if getattr(view, "permission_checks_object_only", False):
            return bool(request.user and request.user.is_authenticated)
        return request.user.has_perm(name)

    def has_object_permission(self, request, view, obj):
        name = getattr(view, "object_permission_required", None) or self.rule_of(view)
        if name is None:
            return False
        return request.user.has_perm(name, obj)
