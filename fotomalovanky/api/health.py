"""GET /health: public, as in the seed (a load balancer asks it without credentials)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Router, Status

from fotomalovanky.health import health_report

from .schemas import HealthFailedOut, HealthOut

router = Router(tags=["health"])


@router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthFailedOut},
    summary="Database and broker check, queue depths, stalled work",
)
def health(request: HttpRequest, response: HttpResponse) -> Status[dict[str, object]]:
    """200 `{"status": "healthy" | "degraded", "checks", "queues",
    "in_progress_unchanged_seconds"}`, or 503 "unhealthy" with `failed` naming what failed."""
    add_never_cache_headers(response)
    return Status(*health_report())
