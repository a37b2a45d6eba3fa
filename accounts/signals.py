"""Audit log entries for logins, logouts and failed logins; API tokens ended by account changes."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .backends import find_user
from .models import AuditEvent
from .services import audit, end_browser_sessions
from .tokens import revoke_tokens


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit(type=AuditEvent.Type.LOGIN, actor=user, target=user.username, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(type=AuditEvent.Type.LOGOUT, actor=user, target=user.username, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit(type=AuditEvent.Type.LOGIN_FAILED, target=str(credentials.get("username", ""))[:64], request=request)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_password_change_or_deactivation(sender, instance, update_fields=None, **kwargs):
    """A new password or a deactivated account ends every API token issued before it, whichever
    code path saved it (password page, reset, admin, a service)."""
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        revoke_tokens(instance)


@receiver(user_locked_out)
def revoke_tokens_on_lockout(sender, request=None, username=None, **kwargs):
    """A locked account (django-axes) loses its tokens and its browser sessions: whoever is
    guessing its password may already hold one."""
    user = find_user(username or "")
    if user is not None:
        revoke_tokens(user)
        end_browser_sessions(user=user)
