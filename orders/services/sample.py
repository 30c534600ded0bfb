"""The sample order: a manual order made from the photos shipped in orders/sample/.

It lets a newcomer try the whole flow (colouring pages, SVGs, the PDF book) on the
local backends, without a Shopify shop or any other account: one gallery book of four
photos with a Czech dedication and one full-page book of two.
"""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from pathlib import Path

from django.core.files import File

from ..models import LAYOUT_FULLPAGE, LAYOUT_GALLERY, Order
from .manual import ManualItem, ManualOrder, manual_order_create

SAMPLE_PHOTOS = Path(__file__).resolve().parent.parent / "sample"
# What marks an order as a sample one (a manual order with this address: example.com
# is reserved for examples, so no real customer has it).
SAMPLE_NAME = "Ukázková zákaznice"
SAMPLE_EMAIL = "ukazka@example.com"
TITLE = "Omalovánka z vlastních fotek"
BOOKS = (
    (
        f"{TITLE} / 4",
        "Pro Aničku k sedmým narozeninám, ať ji vybarvování baví! Děda a babička",
        LAYOUT_GALLERY,
        ("astronaut.jpg", "chelsea.jpg", "rocket-portrait.jpg", "coffee.jpg"),
    ),
    (f"{TITLE} / 2", "Veselé Vánoce, Štěpáne!", LAYOUT_FULLPAGE, ("chelsea.jpg", "coffee.jpg")),
)


def sample_order_create(*, actor: str) -> Order:
    """Create a new sample order and return it (ready for review, like any manual order).

    Every call makes another one: each is practice material of its own, nothing leaves
    the application for it (no Shopify, no e-mail), and it is marked as a sample. Raises
    StorageUnavailable when the file storage does not answer (nothing is created).
    """
    with ExitStack() as files:
        items = [
            ManualItem(
                title=TITLE,
                variant_title=variant,
                dedication=dedication,
                layout=layout,
                quantity="1",
                uploads=[
                    File(files.enter_context((SAMPLE_PHOTOS / name).open("rb")), name=name)
                    for name in photos
                ],
            )
            for variant, dedication, layout, photos in BOOKS
        ]
        data = ManualOrder(
            draft=uuid.uuid4(), customer_name=SAMPLE_NAME, customer_email=SAMPLE_EMAIL, items=items
        )
        return manual_order_create(data=data, actor=actor)


def sample_order_exists() -> Order | None:
    """The newest sample order, if there is one."""
    return Order.objects.filter(shopify_id__isnull=True, customer_email=SAMPLE_EMAIL).first()
