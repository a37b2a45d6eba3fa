"""DRF's session authentication, its CSRF refusal in Chinese and in the error shape (DRF's own
says "CSRF Failed: ..." in English)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

# Also the Chinese page's text (portal.errors.csrf_failure).
CSRF_DETAIL = gettext_noop("页面已过期或安全校验失败，请刷新页面后重新提交。")


class CsrfFailed(exceptions.PermissionDenied):
    default_code = "csrf_failed"


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed(_(CSRF_DETAIL)) from None


class PortalSessionScheme(SessionScheme):
    """The schema's cookie authentication, as for DRF's own class."""

    target_class = SessionAuthentication
