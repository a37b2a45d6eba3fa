"""API tokens that end.

A token lives API_TOKEN_LIFETIME from its issue, and is deleted when its owner changes the
password, is deactivated, gets locked out by django-axes, or revokes it. After that the API
answers 401 in the contract's error shape (portal.api.errors).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def is_expired(token: Token, *, now=None) -> bool:
    return token.created <= (now or timezone.now()) - settings.API_TOKEN_LIFETIME


def expires_at(token: Token):
    return token.created + settings.API_TOKEN_LIFETIME


def issue_token(user) -> Token:
    """The user's live token, or a new one if they have none or theirs has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def revoke_tokens(user) -> int:
    """Delete the user's API tokens; how many there were."""
    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) tokens past their lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            raise AuthenticationFailed(_("API 令牌已过期，请重新获取。"), code="token_expired")
        return user, token
