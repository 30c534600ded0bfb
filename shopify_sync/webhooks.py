"""POST /api/v1/webhooks/shopify: verify, store, enqueue, answer. Nothing slow happens here."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .errors import WebhookError
from .services import webhook_receive

logger = logging.getLogger(__name__)


def _too_large(request: HttpRequest) -> bool:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    return declared.isdigit() and int(declared) > settings.SHOPIFY_WEBHOOK_MAX_BYTES


@csrf_exempt  # Shopify signs its requests (HMAC); there is no session or CSRF token.
@require_POST
def shopify_webhook(request: HttpRequest) -> HttpResponse:
    if _too_large(request):
        return JsonResponse({"detail": "The body is too large."}, status=413)
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"detail": "The body is too large."}, status=413)
    if len(body) > settings.SHOPIFY_WEBHOOK_MAX_BYTES:
        return JsonResponse({"detail": "The body is too large."}, status=413)
    try:
        delivery = webhook_receive(body=body, headers=request.headers)
    except WebhookError as exc:
        logger.info("Webhook refused (%s): %s", exc.status, exc)
        return JsonResponse({"detail": str(exc)}, status=exc.status)
    return JsonResponse({"status": "duplicate" if delivery.duplicate else delivery.outcome})
