"""The one view-side permission mechanism: django-rules permissions by name.

Anonymous users are sent to the login page; logged-in users without the permission get 403.
Objects are fetched with `get_object_or_404` on a queryset already scoped to the user, so
"not yours" answers the same as "not found".

Every page names its rule: `permission_required(name)` (functions), `RulesRequiredMixin` (classes)
or `public` for pages anyone may open. `portal.checks` walks every URL at start-up and refuses a
view that does neither (tests/portal/test_url_rules.py runs the same walk).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rules.contrib.views import PermissionRequiredMixin

# The rule of pages anyone may open, signed in or not.
PUBLIC = "public"
# The rule of pages every signed-in user may open (their own profile, their dashboard).
SIGNED_IN = "accounts.signed_in"


def public(view):
    """Mark a function view or view class as open to everyone; the URL walk accepts it."""
    view.permission_rule = PUBLIC
    return view


class RulesRequiredMixin(PermissionRequiredMixin):
    """Set `permission_required`; for object permissions override `get_permission_object`."""

    raise_exception = False

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.request.get_full_path())
        raise PermissionDenied


def permission_required(name: str):
    """Function-view decorator: `@permission_required("credits.view_my_hours")`. Object checks
    happen in the view, which fetches the object from a queryset scoped to the user."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(name):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_rule = name
        return wrapped

    return decorator
