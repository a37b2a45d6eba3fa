from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal.api.permissions import RulesPermission
from portal.permissions import SIGNED_IN

from .models import AuditEvent
from .selectors import roles_of
from .services import audit
from .tokens import issue_token, revoke_tokens


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名或身份证号"), max_length=150)
    password = serializers.CharField(
        label=_("密码"), style={"input_type": "password"}, trim_whitespace=False, max_length=128
    )


class ObtainTokenView(APIView):
    """POST: exchange a username (or ID number) and password for an API token (valid for
    API_TOKEN_LIFETIME). DELETE: revoke the caller's own token."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    permission_required = SIGNED_IN  # revoking (DELETE); asking for a token is open to all

    def _method(self) -> str:
        return getattr(self, "_request_method", None) or getattr(getattr(self, "request", None), "method", "")

    def initialize_request(self, request, *args, **kwargs):
        # DRF picks the authenticators while wrapping the request, before self.request exists.
        self._request_method = request.method
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        # Asking for a token ignores any credentials sent along (a client's stale token must not
        # stop it getting a new one); revoking needs them.
        return super().get_authenticators() if self._method() == "DELETE" else []

    def get_permissions(self):
        return [RulesPermission()] if self._method() == "DELETE" else [AllowAny()]

    def get_authenticate_header(self, request):
        # Wrong credentials are a 401 that tells the client how to authenticate next time.
        return "Token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            raise AuthenticationFailed(_("登录失败次数过多，账号已被锁定，请稍后再试。"), code="account_locked")
        if user is None:
            raise AuthenticationFailed(_("用户名（或身份证号）或密码不正确。"), code="invalid_credentials")
        token = issue_token(user)
        audit(type=AuditEvent.Type.TOKEN_ISSUED, actor=user, target=user.username, request=request)
        return Response({"token": token.key}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        revoke_tokens(request.user)
        audit(type=AuditEvent.Type.TOKEN_REVOKED, actor=request.user, target=request.user.username, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class RoleSerializer(serializers.Serializer):
    organisation = OrganisationBriefSerializer()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField(allow_null=True, help_text="本人身份证号（不打码）")
    roles = RoleSerializer(many=True)


class MeView(APIView):
    """The logged-in user, their own ID number unmasked, and their roles."""

    permission_required = SIGNED_IN

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "username": user.username,
            "name": user.name,
            "id_number": user.id_number,
            "roles": [
                {
                    "organisation": {"id": g.organisation_id, "name": g.organisation_name, "kind": g.organisation_kind},
                    "role": g.role,
                }
                for g in roles_of(user)
            ],
        }
        return Response(MeSerializer(data).data)
