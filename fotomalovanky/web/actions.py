"""Staff actions on the pages: each is an htmx POST (CSRF-checked) that calls one service.

An order-level action answers with a banner (and the refreshed order header); a photo's
action answers with that photo's card, showing Czech validation errors in place.
Without htmx, the action redirects back with a message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from fotomalovanky.permissions import Capability, order_get_visible, requires
from orders.models import Image, Order
from processing import services as processing
from processing.errors import ProcessingRuleError, ProcessingValidationError
from processing.kinds import KINDS
from processing.models import VersionBase
from shopify_sync import services as shopify
from shopify_sync.errors import ShopifyError

from .cards import card_context, image_card, order_cards
from .forms import ColoringSettingsForm, SvgSettingsForm, settings_read
from .views import HtmxHttpRequest


def actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def outcome(
    request: HtmxHttpRequest, order: Order | None, level: str, message: str
) -> HttpResponse:
    """The banner for htmx (with the order header refreshed), else redirect with a message."""
    if not request.htmx:
        (messages.success if level == "success" else messages.error)(request, message)
        return redirect("orders:detail", order.number) if order else redirect("orders:list")
    html = render_to_string(
        "orders/partials/banner.html", {"level": level, "message": message}, request
    )
    if order is not None:
        order.refresh_from_db()
        context = {"order": order, "detail": order_cards(order=order), "oob": True}
        html += render_to_string("orders/order_detail.html#order-header", context, request)
    return HttpResponse(html)


def _run(
    request: HtmxHttpRequest,
    order: Order | None,
    action: Callable[[], object],
    ok: str,
    failed: str,
) -> HttpResponse:
    try:
        action()
    except (ProcessingRuleError, ProcessingValidationError, ShopifyError) as exc:
        return outcome(request, order, "error", f"{failed}: {exc}")
    return outcome(request, order, "success", ok)


@require_POST
@requires(Capability.OPERATE)
def orders_fetch(request: HtmxHttpRequest) -> HttpResponse:
    return _run(
        request,
        None,
        lambda: shopify.orders_fetch_enqueue(limit=20, actor=actor(request)),
        "Stahování objednávek ze Shopify...",
        "Chyba při načítání z Shopify",
    )


def order_action(
    request: HtmxHttpRequest, number: str, service: Callable[..., object], ok: str, failed: str
) -> HttpResponse:
    """An order-level button: `service(order=…, actor=…)` and its banner."""
    order = order_get_visible(request.user, number)
    return _run(request, order, lambda: service(order=order, actor=actor(request)), ok, failed)


@require_POST
@requires(Capability.OPERATE)
def order_sync(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return order_action(
        request,
        number,
        shopify.order_sync_enqueue,
        "Synchronizace spuštěna. Obrázky se stahují na pozadí.",
        "Chyba při synchronizaci",
    )


@require_POST
@requires(Capability.OPERATE)
def order_generate_coloring(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return order_action(
        request,
        number,
        processing.order_coloring_generate,
        "Generování omalovánek zahájeno.",
        "Chyba při generování omalovánek",
    )


@require_POST
@requires(Capability.OPERATE)
def order_generate_svg(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return order_action(
        request,
        number,
        processing.order_svg_generate,
        "Generování SVG zahájeno.",
        "Chyba při generování SVG",
    )


def _image(request: HttpRequest, number: str, image_id: int) -> Image:
    order = order_get_visible(request.user, number)
    return get_object_or_404(
        Image.objects.select_related("line_item__order"), pk=image_id, line_item__order=order
    )


def _card_response(
    request: HtmxHttpRequest,
    image: Image,
    action: Callable[[], object],
    values: dict[str, str] | None = None,
) -> HttpResponse:
    """Run a photo's action; answer with its card: 422 invalid settings, 400 not allowed now."""
    errors, message = {}, ""
    try:
        action()
    except ProcessingValidationError as exc:
        errors = exc.errors
    except ProcessingRuleError as exc:
        message = exc.message
    if not request.htmx:
        if errors or message:
            messages.error(request, message or " ".join(errors.values()))
        return redirect("orders:detail", image.line_item.order.number)
    context = card_context(
        image_card(image_id=image.pk), values=values, errors=errors, message=message
    )
    status = 422 if errors else 400 if message else 200
    return render(request, "orders/partials/image_card.html", context, status=status)


@require_POST
@requires(Capability.OPERATE)
def image_generate_coloring(request: HtmxHttpRequest, number: str, image_id: int) -> HttpResponse:
    image = _image(request, number, image_id)
    settings = settings_read(ColoringSettingsForm(request.POST))
    return _card_response(
        request,
        image,
        lambda: processing.coloring_generate(image=image, actor=actor(request), **settings),
        settings,
    )


@require_POST
@requires(Capability.OPERATE)
def image_generate_svg(request: HtmxHttpRequest, number: str, image_id: int) -> HttpResponse:
    image = _image(request, number, image_id)
    settings = settings_read(SvgSettingsForm(request.POST))
    return _card_response(
        request,
        image,
        lambda: processing.svg_generate(image=image, actor=actor(request), **settings),
        settings,
    )


def _version(image: Image, kind: str, version_id: int) -> VersionBase:
    """The photo's version of a declared kind (web/urls.py admits only a photo's kinds)."""
    declared = KINDS[kind]
    return get_object_or_404(declared.model, pk=version_id, **{declared.parent: image})


@require_POST
@requires(Capability.OPERATE)
def version_select(
    request: HtmxHttpRequest, number: str, image_id: int, kind: str, version_id: int
) -> HttpResponse:
    image = _image(request, number, image_id)
    version = _version(image, kind, version_id)
    return _card_response(
        request,
        image,
        lambda: processing.version_select(image=image, version=version, actor=actor(request)),
    )


@require_POST
@requires(Capability.OPERATE)
def version_retry(
    request: HtmxHttpRequest, number: str, image_id: int, kind: str, version_id: int
) -> HttpResponse:
    image = _image(request, number, image_id)
    version = _version(image, kind, version_id)
    return _card_response(
        request,
        image,
        lambda: processing.version_retry(image=image, version=version, actor=actor(request)),
    )
