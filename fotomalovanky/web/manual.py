"""The "Nová objednávka" page (also served inside the admin) and the sample-order button.

The form only reads what was posted; orders.services.manual checks it all and creates
the order. Its buttons post the whole form with an `action`: "create", "add-line",
"remove-line:<i>" or "remove-photo:<i>:<photo id>". Every post first keeps the files it
carries in the form's draft, so adding a line or fixing a field never asks for a photo
again. An htmx post is answered with the form alone (or a client redirect to the new
order); a plain post (the admin, no JavaScript) with the whole page or a redirect.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from common.storage import StorageUnavailable
from fotomalovanky.permissions import Capability, requires
from orders.errors import ManualOrderInvalid
from orders.models import LAYOUT_GALLERY, LAYOUTS, Order
from orders.selectors import draft_photos_get
from orders.services.manual import (
    MAX_ITEMS,
    ManualItem,
    ManualOrder,
    manual_order_create,
    manual_photos_keep,
)
from orders.services.sample import sample_order_create

from .actions import actor, outcome
from .views import HtmxHttpRequest

ITEM_FIELDS = ("title", "variant_title", "dedication", "layout", "quantity")
NOT_CREATED = "Objednávka zatím nevznikla: opravte prosím, co je označené červeně."
KEPT_NOTE = (
    "Přijaté fotky zůstávají nahrané (vidíte je u položek), znovu je vybírat nemusíte. "
    "Odmítnuté soubory vyberte znovu, opravené, nebo je vynechte."
)


def _blank_item() -> ManualItem:
    return ManualItem(title="Omalovánka z vlastních fotek", layout=LAYOUT_GALLERY)


def manual_input_read(post: QueryDict, files: MultiValueDict[str, Any]) -> ManualOrder:
    """The posted form as the service takes it; nothing is judged here."""
    try:
        draft = uuid.UUID(post.get("draft", ""))
    except ValueError:
        draft = uuid.uuid4()
    lines = post.get("lines", "1")
    items = []
    for index in range(min(int(lines), MAX_ITEMS) if lines.isdigit() else 1):
        prefix = f"items-{index}-"
        item = ManualItem(
            **{name: post.get(prefix + name, "") for name in ITEM_FIELDS},
            photos=[int(v) for v in post.getlist(prefix + "photos") if v.isdigit()],
            uploads=files.getlist(prefix + "uploads"),
        )
        items.append(item)
    return ManualOrder(
        draft=draft,
        customer_name=post.get("customer_name", ""),
        customer_email=post.get("customer_email", ""),
        items=items,
    )


def _edit(data: ManualOrder, action: str) -> None:
    """Apply a form button other than "create": one more line, one line or photo less."""
    kind, _, rest = action.partition(":")
    numbers = [int(part) for part in rest.split(":") if part.isdigit()]
    if kind == "add-line" and len(data.items) < MAX_ITEMS:
        data.items.append(_blank_item())
    elif kind == "remove-line" and len(numbers) == 1 and numbers[0] < len(data.items):
        del data.items[numbers[0]]
    elif kind == "remove-photo" and len(numbers) == 2 and numbers[0] < len(data.items):
        photos = data.items[numbers[0]].photos
        data.items[numbers[0]].photos = [pk for pk in photos if pk != numbers[1]]


@dataclass
class FormState:
    data: ManualOrder
    errors: dict[str, list[str]] = field(default_factory=dict)
    item_errors: list[dict[str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def context(self) -> dict[str, object]:
        data = self.data
        photos = draft_photos_get(draft=data.draft, ids=[p for i in data.items for p in i.photos])
        lines = [
            {
                "index": index,
                "item": item,
                "photos": [photos[pk] for pk in item.photos if pk in photos],
                "errors": self.item_errors[index] if index < len(self.item_errors) else {},
            }
            for index, item in enumerate(data.items)
        ]
        return {
            "data": data,
            "lines": lines,
            "errors": self.errors,
            "form_errors": [*self.errors.get("", []), *self.errors.get("items", [])],
            "notes": self.notes,
            "layouts": LAYOUTS,
            "can_add_line": len(data.items) < MAX_ITEMS,
        }


def _post(request: HttpRequest) -> FormState | Order:
    """Keep the posted files, then create the order or apply the button's edit."""
    data = manual_input_read(request.POST, request.FILES)
    action = request.POST.get("action", "create")
    try:
        if action == "create":
            return manual_order_create(data=data, actor=actor(request))
        refused = manual_photos_keep(data=data)
    except ManualOrderInvalid as exc:
        kept = [KEPT_NOTE] if any(item.photos for item in data.items) else []
        return FormState(data, {**exc.errors, "": [NOT_CREATED]}, exc.item_errors, kept)
    except StorageUnavailable as exc:
        return FormState(data, {"": [f"Fotky teď nelze uložit: {exc} Zkuste to za chvíli."]})
    _edit(data, action)
    return FormState(data, item_errors=[{"photos": errors} if errors else {} for errors in refused])


def manual_order_form(
    request: HtmxHttpRequest,
    *,
    template: str,
    context: dict[str, object],
    done: Callable[[Order], HttpResponse],
) -> HttpResponse:
    """GET: an empty form; POST: see the module docstring. `template` has the page, and
    `template#manual-form` the form alone (answered to htmx)."""
    if request.method != "POST":
        state = FormState(ManualOrder(draft=uuid.uuid4(), items=[_blank_item()]))
    else:
        result = _post(request)
        if isinstance(result, Order):
            return done(result)
        state = result
    page = f"{template}#manual-form" if request.htmx else template
    return render(request, page, {**context, **state.context()})


@require_http_methods(["GET", "POST"])
@requires(Capability.OPERATE)
def order_new_view(request: HtmxHttpRequest) -> HttpResponse:
    def done(order: Order) -> HttpResponse:
        messages.success(request, f"Ruční objednávka {order.order_number} vytvořena.")
        return _to_order(request, order)

    return manual_order_form(request, template="orders/order_new.html", context={}, done=done)


def _to_order(request: HtmxHttpRequest, order: Order) -> HttpResponse:
    if request.htmx:
        # A whole new page (the order's own socket and URL), not a swap.
        return HttpResponseClientRedirect(reverse("orders:detail", args=[order.number]))
    return redirect("orders:detail", order.number)


@require_POST
@requires(Capability.OPERATE)
def sample_order_create_view(request: HtmxHttpRequest) -> HttpResponse:
    try:
        order = sample_order_create(actor=actor(request))
    except StorageUnavailable as exc:
        return outcome(request, None, "error", f"Ukázkovou objednávku nelze vytvořit: {exc}")
    messages.success(
        request,
        f"Ukázková objednávka {order.order_number} je připravená. Pokračujte tlačítkem "
        "„Vygenerovat jednotlivé omalovánky“.",
    )
    return _to_order(request, order)
