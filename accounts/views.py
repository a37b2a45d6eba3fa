from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from portal.history import selectors as history
from portal.history.setting_changes import setting_change_rows
from portal.pages import paginate
from portal.permissions import SIGNED_IN, RulesRequiredMixin, permission_required, public

from .forms import LoginForm
from .models import AuditEvent
from .selectors import roles_of, setting_changes_visible_to
from .services import audit
from .tokens import expires_at, revoke_tokens


@public
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(RulesRequiredMixin, auth_views.PasswordChangeView):
    permission_required = SIGNED_IN
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(
            type=AuditEvent.Type.PASSWORD_CHANGED,
            actor=self.request.user,
            target=self.request.user.username,
            request=self.request,
        )
        messages.success(self.request, _("密码已修改。"))
        return response


def lockout(request, credentials=None, *args, **kwargs):
    """Shown by django-axes instead of the login page while an account is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("登录失败次数过多，账号已被锁定%(minutes)d分钟，请稍后再试或联系管理员。")
                % {"minutes": minutes},
                "code": "account_locked",
                "errors": {},
            },
            status=403,
        )
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=403)


@permission_required(SIGNED_IN)
def profile(request):
    memberships = request.user.memberships.active().select_related("organisation")
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "grants": roles_of(request.user),
            "token": token,
            "token_expires_at": expires_at(token) if token else None,
        },
    )


@require_POST
@permission_required(SIGNED_IN)
def revoke_token(request):
    """The owner ends their own API token (e.g. a script's token that may have leaked)."""
    if revoke_tokens(request.user):
        audit(type=AuditEvent.Type.TOKEN_REVOKED, actor=request.user, target=request.user.username, request=request)
    messages.success(request, _("API 令牌已撤销，使用它的程序需要重新获取令牌。"))
    return redirect("accounts:profile")


@permission_required("accounts.view_setting_changes")
def setting_changes(request):
    """Who changed which outcome-deciding setting, from what to what; with `?kind=`, the history
    the database recorded for one kind of object (portal.history)."""
    kinds = history.history_kinds_for(request.user)
    if request.GET.get("kind"):
        kind = next((k for k in kinds if k.key == request.GET["kind"]), None)
        if kind is None:
            raise Http404
        page = paginate(request, history.history_events(kind=kind))
        context = {
            "page": page,
            "history_rows": history.history_rows(kind=kind, events_page=page),
            "history_recorded": history.history_is_recorded(),
        }
        return render(request, "accounts/setting_changes.html", {**context, "kinds": kinds, "kind": kind})
    page = paginate(request, setting_changes_visible_to(request.user))
    rows = setting_change_rows(page)
    return render(request, "accounts/setting_changes.html", {"page": page, "rows": rows, "kinds": kinds})
