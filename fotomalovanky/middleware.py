"""The project's middleware chain, declared synchronous-only.

Under ASGI (daphne), Django runs each async-capable MiddlewareMixin's hooks through its
own `sync_to_async` hand-off to a thread. With our views being synchronous (the ORM is)
that meant about 34 thread hand-offs per request: 8.9 ms for a trivial view and 110
requests/s at 32 connections on the 2-core VM. Declared sync-only, the whole chain and
the view run after a single hand-off: 5.6 ms and 251 requests/s (measured 2026-11-25,
see benchmarks/README.md). Behaviour is unchanged; only the threading is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes import middleware as axes
from csp import middleware as csp
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase
from django.middleware import clickjacking, common, csrf, locale, security
from django_htmx import middleware as htmx


def _sync_only(base: type[Any]) -> type[Any]:
    return type(base.__name__, (base,), {"async_capable": False, "__module__": __name__})


SecurityMiddleware = _sync_only(security.SecurityMiddleware)
SessionMiddleware = _sync_only(sessions.SessionMiddleware)
LocaleMiddleware = _sync_only(locale.LocaleMiddleware)
CommonMiddleware = _sync_only(common.CommonMiddleware)
CsrfViewMiddleware = _sync_only(csrf.CsrfViewMiddleware)
AuthenticationMiddleware = _sync_only(auth.AuthenticationMiddleware)
MessageMiddleware = _sync_only(messages.MessageMiddleware)
XFrameOptionsMiddleware = _sync_only(clickjacking.XFrameOptionsMiddleware)
HtmxMiddleware = _sync_only(htmx.HtmxMiddleware)
CSPMiddleware = _sync_only(csp.CSPMiddleware)
AxesMiddleware = _sync_only(axes.AxesMiddleware)


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response whose view chose none.

    The pages, their htmx partials and the actions' answers show customers' orders to
    signed-in staff: no browser or proxy cache may keep them after a logout. Static files
    never get here (WhiteNoise answers them earlier in MIDDLEWARE, with its own long-lived
    headers); views that choose their own header keep it: the admin's `never_cache`, the
    health check, stored files. A plain class, so sync-only like the rest of the chain.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
