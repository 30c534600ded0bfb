"""While the database cannot be reached, a web request answers 503 at once, not a bare 500.

The web process gives up on the database after DATABASE_WEB_POOL_TIMEOUT
(fotomalovanky/webprocess.py); whatever then fails answers here, with `Retry-After`:

- a staff page: templates/503.html, which needs no database (no user, no session);
- an htmx request: the error banner, retargeted to the page's `#banner` (htmx swaps no
  error response on its own: static/js/live.js lets it swap this one);
- the API: its one error shape, `{"detail": "..."}` (ninja's handlers call this too,
  see fotomalovanky/api/errors.py).

It is the project's handler500 (fotomalovanky/urls.py), not a middleware's
`process_exception`: the session and user lookups run lazily in the view (in
`staff_member_required`), but a middleware may query too (the session is saved in
`process_response`), and Django turns an error there into a 500 inside that
middleware's own wrapper, before any other middleware sees an exception. handler500
is asked for every such 500, from a view or from a middleware, and Django calls it
inside the `except` of the error.
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django_htmx.http import push_url, reswap, retarget
from django_htmx.middleware import HtmxDetails

from common.database import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

MESSAGE = "Databáze je dočasně nedostupná. Zkuste to prosím za chvíli znovu."
# A restarted PostgreSQL takes seconds; the pool is back within seconds of it.
RETRY_AFTER_SECONDS = 10


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 for `request`, whose database work failed."""
    if request.path.startswith(reverse("api:api-root")):
        response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
    elif HtmxDetails(request):
        html = render_to_string(
            "orders/partials/banner.html", {"level": "error", "message": MESSAGE}
        )
        response = HttpResponse(html, status=503)
        # Into the page's banner, whatever the request targeted; and a failed filter or
        # page change must not become a history entry.
        push_url(reswap(retarget(response, "#banner"), "innerHTML"), False)
    else:
        retry = request.get_full_path() if request.method == "GET" else ""
        html = render_to_string("503.html", {"message": MESSAGE, "retry_url": retry})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 for a database error (Django logs it, as any 500), else Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)
