"""Who may use the JSON API: a signed token (scripts) or a staff browser session.

Tokens are JWTs signed HS256 with `API_JWT_SECRET`: `sub` is the username of an active
staff member, `exp` is required, `aud` is "fotomalovanky-api" (a token signed with the
same secret for another purpose is not accepted here). The algorithm is pinned, so
`alg: none` and asymmetric-algorithm tricks are refused by pyjwt itself. An empty or
short secret refuses every token with a message that names the variable.

Everything that fails to authenticate answers 401; an authenticated user who is not
staff or has no role (fotomalovanky/permissions.py), who lacks the endpoint's
capability, or a session request without its CSRF token, answers 403. Each endpoint
names its capability once, as its `auth` (`api_auth(Capability.VIEW)`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from fotomalovanky.permissions import FORBIDDEN, Capability, can, requires, role_of

ALGORITHM = "HS256"
AUDIENCE = "fotomalovanky-api"
# Clocks of the issuing and the checking machine may differ a little.
LEEWAY = timedelta(seconds=30)
# RFC 7518 §3.2: an HS256 key must be at least as long as the hash (256 bits).
MIN_SECRET_LENGTH = 32
MAX_TOKEN_DAYS = 3650
NOT_STAFF = "Účet nemá přístup k API (není členem personálu)."
NO_ROLE = "Účet nemá přidělenou roli (Operátor nebo Tiskař), a proto nemá přístup k API."

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class ApiAuthError(Exception):
    """A request the API refuses; `status` is 401 (not authenticated) or 403 (not allowed)."""

    def __init__(self, message: str, *, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ApiTokenConfigError(Exception):
    """`API_JWT_SECRET` is unusable, so no token can be issued (English: for the command)."""


def _secret() -> str | None:
    secret = settings.API_JWT_SECRET
    return secret if len(secret) >= MIN_SECRET_LENGTH else None


def api_token_issue(*, username: str, days: int) -> str:
    """A signed token for the active staff member `username`, valid for `days` days.

    Raises ApiTokenConfigError when API_JWT_SECRET is unusable or the user cannot use the
    API (unknown, inactive, not staff), and ValueError for a period outside 1–3650 days.
    """
    secret = _secret()
    if secret is None:
        raise ApiTokenConfigError(
            f"API_JWT_SECRET must be set to at least {MIN_SECRET_LENGTH} characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"The token must be valid for 1 to {MAX_TOKEN_DAYS} days.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None or role_of(user) is None:
        raise ApiTokenConfigError(
            f"{username!r} is not an active staff user with a role (operator or printer)."
        )
    now = timezone.now()
    claims = {"sub": username, "aud": AUDIENCE, "iat": now, "exp": now + timedelta(days=days)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def api_token_claims(*, token: str) -> dict[str, Any]:
    """The verified claims of `token`; ApiAuthError (401) for anything not valid now."""
    secret = _secret()
    if secret is None:
        raise ApiAuthError(
            "API nepřijímá tokeny: API_JWT_SECRET není nastavený "
            f"(nebo je kratší než {MIN_SECRET_LENGTH} znaků)."
        )
    try:
        return jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            leeway=LEEWAY,
            options={"require": ["exp", "sub", "aud"], "enforce_minimum_key_length": True},
        )
    except jwt.ExpiredSignatureError as exc:
        raise ApiAuthError("Token vypršel; vystavte nový (manage.py issue_api_token).") from exc
    except jwt.InvalidTokenError as exc:
        raise ApiAuthError(f"Neplatný token ({exc.__class__.__name__}).") from exc


def api_token_authenticate(*, token: str) -> tuple[User, dict[str, Any]]:
    """The staff member a valid token speaks for, and the token's claims.

    Raises ApiAuthError: 401 for an invalid or expired token or an unknown or inactive
    user, 403 for an active user who is not staff or has no role.
    """
    claims = api_token_claims(token=token)
    user = get_user_model().objects.filter(username=claims["sub"]).first()
    if user is None or not user.is_active:
        raise ApiAuthError("Token neplatí: účet neexistuje nebo je neaktivní.")
    return role_required(user), claims


def api_token_user(*, token: str) -> User:
    """The staff member a valid token speaks for; ApiAuthError as above."""
    return api_token_authenticate(token=token)[0]


def role_required(user: User) -> User:
    """`user`, if staff with a role; ApiAuthError (403) saying which is missing."""
    if not user.is_staff:
        raise ApiAuthError(NOT_STAFF, status=403)
    if role_of(user) is None:
        raise ApiAuthError(NO_ROLE, status=403)
    return user


def capability_required(user: User, capability: Capability) -> User:
    """`user`, if their role holds `capability`; ApiAuthError (403) otherwise."""
    if not can(role_required(user), capability):
        raise ApiAuthError(FORBIDDEN, status=403)
    return user


def session_staff_user(request: HttpRequest) -> User | None:
    """The logged-in staff member (with a role) of a browser session, or None without
    a login.

    Raises ApiAuthError (403) when the user is not staff, has no role, or an unsafe
    request lacks its CSRF token: a session cookie is sent by the browser on its own,
    so without the token another site could make the browser act for the user.
    """
    user = getattr(request, "user", None)  # None without AuthenticationMiddleware
    if user is None or not user.is_authenticated:
        return None
    if check_csrf(request) is not None:
        raise ApiAuthError("Chybí nebo nesedí CSRF token (hlavička X-CSRFToken).", status=403)
    return role_required(user)


def caller(request: HttpRequest) -> User:
    """The user an endpoint's request speaks for (set by ninja's auth)."""
    return request.auth  # type: ignore[attr-defined]


def actor(request: HttpRequest) -> str:
    """Who acts, for the audit trail: "api:<username>"."""
    return f"api:{caller(request).get_username()}"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <JWT>`; a header with a bad token is refused outright."""

    def __init__(self, capability: Capability) -> None:
        super().__init__()
        self.capability = capability

    def authenticate(self, request: HttpRequest, token: str) -> User:
        return capability_required(api_token_user(token=token), self.capability)


class StaffSessionAuth(APIKeyCookie):
    """Django's session cookie of a logged-in staff member, with CSRF on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, capability: Capability) -> None:
        super().__init__()
        self.capability = capability

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check belongs to an authenticated session only (see
        # session_staff_user): an anonymous request is "not authenticated" (401).
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = session_staff_user(request)
        return None if user is None else capability_required(user, self.capability)


def api_auth(capability: Capability) -> list[TokenAuth | StaffSessionAuth]:
    """An endpoint's `auth`: a token or a session whose role holds `capability`."""
    return [TokenAuth(capability), StaffSessionAuth(capability)]


# What the endpoints name as their `auth` (a printer reads; everything else operates).
VIEW = api_auth(Capability.VIEW)
OPERATE = api_auth(Capability.OPERATE)


def bearer_token(request: HttpRequest) -> str | None:
    """The token of an `Authorization: Bearer …` header, else None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def error_response(exc: ApiAuthError) -> JsonResponse:
    response = JsonResponse({"detail": exc.message}, status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def requires_or_token(capability: Capability) -> Callable[[View], View]:
    """For plain Django views (stored files, API docs): a session as `requires` wants it
    (else the login page or a 403), or a valid API token whose user holds `capability`."""

    def decorate(view: View) -> View:
        session_view = requires(capability)(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            token = bearer_token(request)
            if token is None:
                return session_view(request, *args, **kwargs)
            try:
                request.user = capability_required(api_token_user(token=token), capability)
            except ApiAuthError as exc:
                return error_response(exc)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]  # wraps() keeps the view's signature

    return decorate
