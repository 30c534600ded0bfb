"""Error reporting to Sentry (or a service that speaks its protocol) when SENTRY_DSN is set.

The settings call `sentry_init`, so web, workers and beat (each loads the settings)
report unhandled errors of requests (Django integration) and of tasks (Celery
integration), and every log record at ERROR (sentry-sdk's logging integration, on by
default). Errors only: no performance tracing, which would send every request's timing
and SQL to a third party for little use in a back office of a few staff.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Event, Hint


def sentry_init(dsn: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Customers' photos, names, e-mail and postal addresses are personal data, and the
        # error service is a third party: it gets no user, IP address, cookies or
        # credentials (send_default_pii), no request bodies (the admin's forms carry
        # customer data), no local variables of the failing frames (they hold orders and
        # photos) and no query strings (below). The traceback, message and path remain.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=_without_query_string,
    )


def _without_query_string(event: Event, hint: Hint) -> Event:
    # The order list's search (?q=) holds customers' names and e-mail addresses.
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("query_string", None)
    return event
