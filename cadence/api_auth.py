"""How API callers prove who they are: a personal token, or the browser's session."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from accounts.services import user_for_token

        user = user_for_token(token, ip=request.META.get("REMOTE_ADDR", ""))
        if user is not None:
            request.user = user
            translation.activate(user.language)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; CSRF is checked only when the session really signs someone in, so an
    anonymous caller gets 401, not a CSRF error."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        if request.method not in {"GET", "HEAD", "OPTIONS"} and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed")
        return request.user


def anonymous(request: HttpRequest) -> Any:
    """Last in an auth list: lets the operation run for a caller who is not signed in."""
    return AnonymousUser()


SIGNED_IN = [TokenAuth(), SessionAuth()]
SIGNED_IN_OR_ANONYMOUS = [*SIGNED_IN, anonymous]


class ApiRequest(HttpRequest):
    """What handlers receive: `auth` is the signed-in user (or AnonymousUser where allowed)."""

    auth: Any
