from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from accounts.throttle import is_locked_out, locked_message, retry_after

from .. import examples
from ..serializers.auth import NewTokenSerializer, TokenRequestSerializer, TokenSerializer


class TooManyFailures(exceptions.Throttled):
    """429 with Retry-After; the message says the wait in the reader's language (DRF's own addition,
    "Expected available in … seconds.", is left out: it is not translated)."""

    default_detail = gettext_lazy("Too many failed logins; wait before trying again.")

    def __init__(self, *, wait: int):
        exceptions.APIException.__init__(self, locked_message(wait))
        self.wait = wait


class TokenObtainView(APIView):
    """Exchange a username and password for an API token. Failures count towards the one login throttle
    every password form shares: a locked account gets 429 with Retry-After."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: NewTokenSerializer,
            400: OpenApiResponse(description="wrong username or password"),
            429: OpenApiResponse(description="too many failed logins"),
        },
        summary="Create an API token",
        examples=[examples.TOKEN],
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        username = body.validated_data["username"]
        user = authenticate(request, username=username, password=body.validated_data["password"])
        if is_locked_out(request):
            raise TooManyFailures(wait=retry_after(request, {"username": username}))
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [_("Wrong username or password.")]})
        token, key = api_token_create(user=user, name=body.validated_data["name"], days=body.validated_data.get("days"))
        data = NewTokenSerializer(token).data | {"key": key}
        return Response(data, status=status.HTTP_201_CREATED)


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your own tokens: list them (keys are never shown again) and revoke them (DELETE)."""

    serializer_class = TokenSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return self.request.user.api_tokens.order_by("-created_at")

    def perform_destroy(self, instance):
        api_token_revoke(token=instance)
