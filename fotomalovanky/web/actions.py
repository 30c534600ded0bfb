"""Staff actions on the pages: each is an htmx POST (CSRF-checked) that calls one service.

An order-level action answers with a banner (and the refreshed order header); a photo's
action answers with that photo's card, showing Czech validation errors in place.
Without htmx, the action redirects back with a message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from orders.models import Image, Order
from orders.selectors import order_get_by_number
from processing import services as processing
from processing.errors import ProcessingRuleError, ProcessingValidationError
from processing.models import ColoringVersion, SvgVersion
from shopify_sync import services as shopify
from shopify_sync.errors import ShopifyError

from .cards import card_context, image_card, order_cards

VERSION_MODELS = {"coloring": ColoringVersion, "svg": SvgVersion}
View = Callable[[HttpRequest, str], HttpResponse]
ImageView = Callable[[HttpRequest, str, int], HttpResponse]
VersionView = Callable[[HttpRequest, str, int, str, int], HttpResponse]


def actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _outcome(request: HttpRequest, order: Order | None, level: str, message: str) -> HttpResponse:
    """The banner for htmx (with the order header refreshed), else redirect with a message."""
    if not request.htmx:  # type: ignore[attr-defined]
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
    request: HttpRequest, order: Order | None, action: Callable[[], object], ok: str, failed: str
) -> HttpResponse:
    try:
        action()
    except (ProcessingRuleError, ProcessingValidationError, ShopifyError) as exc:
        return _outcome(request, order, "error", f"{failed}: {exc}")
    return _outcome(request, order, "success", ok)


@require_POST
@staff_member_required
def orders_fetch(request: HttpRequest) -> HttpResponse:
    return _run(
        request,
        None,
        lambda: shopify.orders_fetch_enqueue(limit=20, actor=actor(request)),
        "Stahování objednávek ze Shopify...",
        "Chyba při načítání z Shopify",
    )


def _order_action(service: Callable[..., object], ok: str, failed: str) -> View:
    """An order-level button: one service called with the order and the staff member."""

    @require_POST
    @staff_member_required
    def view(request: HttpRequest, number: str) -> HttpResponse:
        order = order_get_by_number(number)
        return _run(request, order, lambda: service(order=order, actor=actor(request)), ok, failed)

    return view


order_sync = _order_action(
    shopify.order_sync_enqueue,
    "Synchronizace spuštěna. Obrázky se stahují na pozadí.",
    "Chyba při synchronizaci",
)
order_generate_coloring = _order_action(
    processing.order_coloring_generate,
    "Generování omalovánek zahájeno.",
    "Chyba při generování omalovánek",
)
order_generate_svg = _order_action(
    processing.order_svg_generate, "Generování SVG zahájeno.", "Chyba při generování SVG"
)


def _image(number: str, image_id: int) -> Image:
    order = order_get_by_number(number)
    return get_object_or_404(
        Image.objects.select_related("line_item__order"), pk=image_id, line_item__order=order
    )


def _card_response(
    request: HttpRequest, image: Image, action: Callable[[], object], fields: tuple[str, ...]
) -> HttpResponse:
    values = {name: request.POST.get(name, "") for name in fields}
    errors, message = {}, ""
    try:
        action()
    except ProcessingValidationError as exc:
        errors = exc.errors
    except ProcessingRuleError as exc:
        message = exc.message
    if not request.htmx:  # type: ignore[attr-defined]
        if errors or message:
            messages.error(request, message or " ".join(errors.values()))
        return redirect("orders:detail", image.line_item.order.number)
    context = card_context(
        image_card(image_id=image.pk), values=values, errors=errors, message=message
    )
    status = 422 if errors else 400 if message else 200
    return render(request, "orders/partials/image_card.html", context, status=status)


def _image_action(service: Callable[..., object], fields: tuple[str, ...]) -> ImageView:
    """A photo's "Generovat" form: the posted settings go to the service as they are
    (it validates them), and the answer is the photo's card."""

    @require_POST
    @staff_member_required
    def view(request: HttpRequest, number: str, image_id: int) -> HttpResponse:
        image = _image(number, image_id)
        settings = {name: request.POST.get(name, "") for name in fields}
        return _card_response(
            request,
            image,
            lambda: service(image=image, actor=actor(request), **settings),
            fields,
        )

    return view


image_generate_coloring = _image_action(processing.coloring_generate, ("megapixels", "steps"))
image_generate_svg = _image_action(processing.svg_generate, ("shape_stacking", "group_by"))


def _version_action(service: Callable[..., object]) -> VersionView:
    """A version chip's action (select, retry): the answer is the photo's card."""

    @require_POST
    @staff_member_required
    def view(
        request: HttpRequest, number: str, image_id: int, kind: str, version_id: int
    ) -> HttpResponse:
        image = _image(number, image_id)
        version = get_object_or_404(VERSION_MODELS[kind], pk=version_id, image=image)
        return _card_response(
            request,
            image,
            lambda: service(image=image, version=version, actor=actor(request)),
            (),
        )

    return view


version_select = _version_action(processing.version_select)
version_retry = _version_action(processing.version_retry)
