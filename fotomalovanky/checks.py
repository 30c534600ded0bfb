"""Django's deployment checks of the security middleware, run against the chain we use.

Django's security checks look for middleware by its exact dotted path
(`"django.middleware.security.SecurityMiddleware" in settings.MIDDLEWARE`). Our chain
names the sync-only subclasses of fotomalovanky/middleware.py instead (they halve the
cost of a request under daphne), so `check --deploy` reported W001, W002 and W003, and,
worse, skipped without a word every check that needs the middleware first: HSTS (W004,
W005, W021), nosniff (W006), the SSL redirect (W008), X-Frame-Options DENY (W019), the
Referrer and Cross-Origin-Opener policies (W022, E023, E024) and the secure CSRF cookie
(W016).

So settings.SILENCED_SYSTEM_CHECKS silences exactly W001, W002 and W003, and
`security_middleware` below (registered in fotomalovanky/web/apps.py) calls Django's own
check functions with MIDDLEWARE naming each subclass by the Django class it extends.
Their findings keep Django's ids; the three silenced ones, which now really mean "that
middleware is missing", come back as fotomalovanky.security.W001 to W003.

django-axes' check for its middleware (axes.W002) has the same blind spot: it is
silenced too, and `axes_middleware` runs it against the recognised chain, reporting a
really missing one as fotomalovanky.axes.W002.

The session checks are not repeated: they also look at INSTALLED_APPS, so an insecure
session cookie is already reported (W010, W013) without the middleware being recognised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axes.checks import axes_middleware_check
from axes.middleware import AxesMiddleware
from django.apps import AppConfig
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.checks import CheckMessage, Tags, register
from django.core.checks.security import base, csrf
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.module_loading import import_string

# The classes whose dotted paths Django's checks look for.
RECOGNISED = (
    SecurityMiddleware,
    XFrameOptionsMiddleware,
    CsrfViewMiddleware,
    SessionMiddleware,
    AxesMiddleware,
)

# Django's checks that read settings.MIDDLEWARE, in the order Django registers them.
MIDDLEWARE_CHECKS = (
    base.check_security_middleware,
    base.check_xframe_options_middleware,
    base.check_sts,
    base.check_sts_include_subdomains,
    base.check_sts_preload,
    base.check_content_type_nosniff,
    base.check_ssl_redirect,
    base.check_xframe_deny,
    base.check_referrer_policy,
    base.check_cross_origin_opener_policy,
    csrf.check_csrf_middleware,
    csrf.check_csrf_cookie_secure,
)

SILENCED = ("security.W001", "security.W002", "security.W003", "axes.W002")


def as_recognised(middleware: Sequence[str]) -> list[str]:
    """MIDDLEWARE with each subclass of a RECOGNISED class named by that class's path."""
    paths = []
    for path in middleware:
        found = import_string(path)
        for django_class in RECOGNISED:
            if isinstance(found, type) and issubclass(found, django_class):
                path = f"{django_class.__module__}.{django_class.__qualname__}"
        paths.append(path)
    return paths


@register(Tags.security, deploy=True)
def security_middleware(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Django's middleware-dependent deployment checks, as if MIDDLEWARE named Django's
    classes; its "not in MIDDLEWARE" warnings under our own ids (see the module docstring)."""
    # Imported here: only `check --deploy` needs the test utilities, not every process.
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=as_recognised(settings.MIDDLEWARE)):
        found = [message for check in MIDDLEWARE_CHECKS for message in check(app_configs)]
    return [_renamed(message) if message.id in SILENCED else message for message in found]


@register(Tags.security)
def axes_middleware(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """django-axes' middleware check, as if MIDDLEWARE named its class."""
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=as_recognised(settings.MIDDLEWARE)):
        found = list(axes_middleware_check(app_configs))
    return [_renamed(message) if message.id in SILENCED else message for message in found]


def _renamed(message: CheckMessage) -> CheckMessage:
    return CheckMessage(
        message.level,
        message.msg,
        hint=message.hint,
        obj=message.obj,
        id=f"fotomalovanky.{message.id}",
    )
