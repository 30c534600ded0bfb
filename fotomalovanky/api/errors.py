"""One error shape for the whole API: `{"detail": "<Czech sentence>"}`, or for invalid
input (422) `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` as FastAPI had it.

| status | when |
|---|---|
| 400 | a rule forbids the action now (ProcessingRuleError), or the body is not JSON |
| 401 | no valid token and no session |
| 403 | authenticated but not staff, or a session request without its CSRF token |
| 404 | no such order, image or version; also a malformed id in the path |
| 405 | the path exists, the method does not |
| 422 | invalid query or body (ninja's validation, ProcessingValidationError) |
| 503 | the database cannot be reached now; with `Retry-After` (fotomalovanky/outage.py) |
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver
from ninja.errors import AuthenticationError, HttpError, ValidationError

from common.database import DATABASE_UNAVAILABLE
from fotomalovanky.outage import database_unavailable
from processing.errors import ProcessingRuleError, ProcessingValidationError

from .auth import ApiAuthError, error_response

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

NOT_FOUND = "Nenalezeno."
NOT_AUTHENTICATED = (
    "Chybí přihlášení: pošlete hlavičku „Authorization: Bearer <token>“ "
    "(manage.py issue_api_token) nebo se přihlaste jako člen personálu."
)
METHOD_NOT_ALLOWED = "Metoda {method} zde není povolena."
# ninja's own English messages for the cases it decides itself.
NINJA_MESSAGES = {"Cannot parse request body": "Tělo požadavku není platný JSON."}


def _loc(loc: Any) -> list[Any]:
    """FastAPI's form, `["body", "steps"]`: ninja puts the body parameter's name (every
    endpoint here calls it `body`) in between, `["body", "body", "steps"]`."""
    loc = list(loc)
    return ["body", *loc[2:]] if loc[:2] == ["body", "body"] else loc


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only `loc`, `msg` and `type`: pydantic's `input`, `ctx` and `url` may echo what
    was sent or hold objects that are not JSON."""
    return [{"loc": _loc(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors]


def register_exception_handlers(api: NinjaAPI) -> None:
    # Registered with the decorator: add_exception_handler's annotation would have each
    # handler accept the exception class too, though ninja only ever passes an instance.
    def detail(request: HttpRequest, message: Any, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": message}, status=status)

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # An id in the path that is not a positive number names nothing: 404, not 422.
        if any(list(error["loc"][:1]) == ["path"] for error in exc.errors):
            return detail(request, NOT_FOUND, 404)
        return detail(request, field_errors(exc.errors), 422)

    @api.exception_handler(ProcessingValidationError)
    def on_processing_validation(
        request: HttpRequest, exc: ProcessingValidationError
    ) -> HttpResponse:
        errors = [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, message in exc.errors.items()
        ]
        return detail(request, errors, 422)

    @api.exception_handler(ProcessingRuleError)
    def on_rule(request: HttpRequest, exc: ProcessingRuleError) -> HttpResponse:
        return detail(request, exc.message, 400)

    @api.exception_handler(ApiAuthError)
    def on_auth(request: HttpRequest, exc: ApiAuthError) -> HttpResponse:
        return error_response(exc)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            return error_response(ApiAuthError(NOT_AUTHENTICATED))
        return detail(request, NINJA_MESSAGES.get(exc.message, exc.message), exc.status_code)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return detail(request, str(exc) or NOT_FOUND, 404)

    register_database_handlers(api)


def register_database_handlers(api: NinjaAPI) -> None:
    """ninja would re-raise a database error to Django (a logged 500 that handler500
    turns into the 503, or with DEBUG on its plain-text traceback): the same 503 here,
    logged in one line."""

    def on_database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("database unavailable: %s %s: %s", request.method, request.path, exc)
        return database_unavailable(request)

    for error in DATABASE_UNAVAILABLE:
        api.exception_handler(error)(on_database_error)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that names no endpoint."""
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with a plain-text 405: give it the JSON shape, keep `Allow`."""

    @wraps(view)  # also keeps ninja's csrf_exempt: CSRF is the session auth's job
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {"detail": METHOD_NOT_ALLOWED.format(method=request.method)}, status=405
            )
            response["Allow"] = allowed
        return response

    return wrapper


def json_errors_urlpatterns(
    patterns: list[URLPattern | URLResolver],
) -> list[URLPattern | URLResolver]:
    """ninja's URL patterns with JSON 405s, a JSON 404 at the API root, and a JSON 404
    for every other path under the API (Django's own 404 page is HTML)."""
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):  # ninja nests none today; keep any as it is
            wrapped.append(pattern)
            continue
        callback = not_found if pattern.name == "api-root" else pattern.callback
        wrapped.append(
            URLPattern(
                pattern.pattern,
                json_method_not_allowed(callback),
                pattern.default_args,
                pattern.name,
            )
        )
    return wrapped
