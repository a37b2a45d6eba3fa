from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import roles_of

from .home import upcoming_deadlines
from .models import Announcement
from .navigation import items_for_role, start_url_for_role, user_roles_in_priority
from .pages import paginate
from .permissions import SIGNED_IN, permission_required, public

# Announcements per page on the home page.
ANNOUNCEMENTS_PER_PAGE = 10


@public
def home(request):
    announcements = Announcement.objects.published()
    page = paginate(request, announcements, ANNOUNCEMENTS_PER_PAGE)
    context = {"page": page, "deadlines": upcoming_deadlines(now=timezone.now())}
    return render(request, "portal/home.html", context)


@public
def announcement_detail(request, pk: int):
    announcement = get_object_or_404(Announcement.objects.published(), pk=pk)
    return render(request, "portal/announcement_detail.html", {"announcement": announcement})


@permission_required(SIGNED_IN)
def dashboard(request):
    """Send each user to the start page of their most specific role."""
    roles = user_roles_in_priority(request.user)
    if not roles:
        if request.user.is_staff:
            return redirect("admin:index")
        messages.info(request, _("您的账号尚未被授予任何角色，请联系所在单位管理员。"))
        return redirect("accounts:profile")
    return redirect(start_url_for_role(roles[0]))


@permission_required(SIGNED_IN)
def workspace(request, role: str):
    """A role's overview: the units the user holds this role in, and the role's pages."""
    if role not in Role.values:
        raise PermissionDenied
    grants = [g for g in roles_of(request.user) if g.role == role]
    if not grants:
        raise PermissionDenied
    items = [i for i in items_for_role(role) if i.url()]
    return render(
        request,
        "portal/workspace.html",
        {"role": Role(role), "grants": grants, "items": [{"label": i.label, "url": i.url()} for i in items]},
    )


@public
def healthz(request):
    """Liveness: the process answers. It checks no dependency (that is /readyz/, portal.health), so
    a supervisor never restarts a healthy process because PostgreSQL or Redis is away."""
    return JsonResponse({"status": "ok"})
