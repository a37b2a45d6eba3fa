"""The one DRF permission class: asks django-rules for the view's named permission."""

from rest_framework.permissions import BasePermission


class RulesPermission(BasePermission):
    """Set `permission_required` (a rules permission name) on the view, and optionally
    `object_permission_required` for per-object checks (defaults to the same name)."""

    def has_permission(self, request, view):
        name = getattr(view, "permission_required", None)
        if name is None:
            return bool(request.user and request.user.is_authenticated)
        if getattr(view, "permission_checks_object_only", False):
            return bool(request.user and request.user.is_authenticated)
        return request.user.has_perm(name)

    def has_object_permission(self, request, view, obj):
        name = getattr(view, "object_permission_required", None) or getattr(view, "permission_required", None)
        if name is None:
            return True
        return request.user.has_perm(name, obj)
