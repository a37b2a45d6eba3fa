"""Audit log entries for logins, logouts and failed logins."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import audit


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
