"""The review workspace: one photo at a time beside its colouring page, judged by keyboard.

The page renders every photo of the order (one shown, the others hidden), so moving
between photos needs no request; static/js/review.js keeps the tab's current photo
across swaps. A verdict is a plain POST (htmx, or a form without JS) answered with the
whole workspace, moved on to the next page that awaits a verdict. Every open tab gets
the changed photo and the progress pushed live (`review_fragments`, sent by web/live.py
with the photo's card).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fotomalovanky.permissions import Capability, order_get_visible, requires
from orders.models import Image, Order
from processing import services as processing
from processing.errors import ProcessingRuleError, ProcessingValidationError
from processing.models import ColoringVersion, RejectReason
from processing.review import OrderReview, PhotoReview, order_review

from .actions import actor
from .views import HtmxHttpRequest

WORKSPACE = "orders/review.html#review-workspace"
# The key that picks each reason while the reasons are open, shown on its button:
# 1–9, then 0 for the tenth.
REASON_KEYS = [
    (str((index + 1) % 10), reason.value, reason.label) for index, reason in enumerate(RejectReason)
]


def review_context(
    order: Order, review: OrderReview, *, current: int | None, chosen: bool = False
) -> dict[str, object]:
    """What the workspace shows; `current` falls back to the first page awaiting a
    verdict, else the first photo. `chosen`: the server moved the tab to `current`."""
    ids = [photo.image.pk for photo in review.photos]
    if current not in ids:
        first = review.next_to_judge() or (review.photos[0] if review.photos else None)
        current = first.image.pk if first else None
    return {
        "order": order,
        "review": review,
        "current": current,
        "chosen": chosen,
        "reasons": REASON_KEYS,
        "ceiling": processing.LADDER_CEILING,
        "several_items": len({photo.image.line_item_id for photo in review.photos}) > 1,
    }


def _photo_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
@requires(Capability.OPERATE)
def review_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    order = order_get_visible(request.user, number)
    review = order_review(order_id=order.pk)
    context = review_context(order, review, current=_photo_id(request.GET.get("photo")))
    return render(request, WORKSPACE if request.htmx else "orders/review.html", context)


@require_POST
@requires(Capability.OPERATE)
def review_verdict(request: HtmxHttpRequest, number: str, version_id: int) -> HttpResponse:
    """Judge one page: `verdict` (approved/rejected) and, for a rejection, `reason`."""
    order = order_get_visible(request.user, number)
    version = get_object_or_404(
        ColoringVersion.objects.select_related("image__line_item"),
        pk=version_id,
        image__line_item__order=order,
    )
    error, status = "", 200
    try:
        processing.coloring_verdict_set(
            order=order,
            version=version,
            verdict=request.POST.get("verdict", ""),
            reason=request.POST.get("reason", ""),
            by=request.user.get_username(),
            actor=actor(request),
        )
    except ProcessingValidationError as exc:
        error, status = exc.message, 422
    except ProcessingRuleError as exc:
        error, status = exc.message, 400
    return _verdict_answer(request, order, version.image, error, status)


def _verdict_answer(
    request: HtmxHttpRequest, order: Order, image: Image, error: str, status: int
) -> HttpResponse:
    """The workspace again: moved on to the next page to judge, or with the Czech reason
    why nothing changed (422 bad input, 400 not allowed now; live.js shows both)."""
    review = order_review(order_id=order.pk)
    following = None if error else review.next_to_judge(after=image.pk)
    current = following.image.pk if following else image.pk
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('orders:review', args=[order.number])}?photo={current}")
    context = review_context(order, review, current=current, chosen=True)
    return render(request, WORKSPACE, {**context, "message": error}, status=status)


def review_fragments(image_id: int) -> str:
    """What a change of a photo's colouring pushes to open workspaces: the photo's panel
    and the progress with the photo list (a tab keeps showing its own current photo)."""
    image = Image.objects.select_related("line_item__order").get(pk=image_id)
    order = image.line_item.order
    review = order_review(order_id=order.pk)
    photo = _photo_of(review, image_id)
    # Pushed: no request, so the forms carry no token (htmx sends it from <body>), and
    # no current photo (each tab keeps showing its own, review.js).
    context = {**review_context(order, review, current=None), "pushed": True, "current": None}
    panel = render_to_string("orders/review.html#review-photo", {**context, "photo": photo})
    return panel + render_to_string("orders/review.html#review-nav", context)


def _photo_of(review: OrderReview, image_id: int) -> PhotoReview:
    return next(photo for photo in review.photos if photo.image.pk == image_id)
