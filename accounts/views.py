from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .forms import LoginForm
from .selectors import roles_of


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        from .models import AuditEvent
        from .services import audit

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
        from django.http import JsonResponse

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


@login_required
def profile(request):
    memberships = request.user.memberships.active().select_related("organisation")
    return render(request, "accounts/profile.html", {"memberships": memberships, "grants": roles_of(request.user)})
