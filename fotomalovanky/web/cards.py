"""What the order detail page shows per photo, read in a fixed number of queries.

One `ImageCard` per photo, built from prefetched rows (no query per card), and the
order-level state derived from the same cards: progress per kind and whether the
order-level buttons can do anything. Where a photo stands with each kind and whether it
is eligible come from `processing.selectors.images_with_states`, annotated on the rows
loaded here: the cards restate no rule. The same card feeds the page, the htmx refresh
and the WebSocket push, so all three always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple, TypeVar

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from orders.models import Image, LineItem, Order
from processing.models import (
    ColoringVersion,
    GroupBy,
    ShapeStacking,
    SvgStatus,
    SvgVersion,
    VersionStatus,
)
from processing.selectors import OrderProgress, images_with_states, progress_from_states
from processing.services.versions import (
    MEGAPIXELS_MAX,
    MEGAPIXELS_MIN,
    MEGAPIXELS_STEP,
    STEPS_MAX,
    STEPS_MIN,
)

from .books import BOOKS, BookPanel, panel_of

V = TypeVar("V", ColoringVersion, SvgVersion)


class Chip(NamedTuple):
    """One version on the card, with the URLs of its two actions."""

    version: ColoringVersion | SvgVersion
    select_url: str
    retry_url: str


@dataclass
class ImageCard:
    image: Image
    colorings: list[ColoringVersion]
    svgs: list[SvgVersion]

    @property
    def pk(self) -> int:
        return self.image.pk

    @cached_property
    def url(self) -> str:
        """The card's own URL. web/urls.py declares the photo's actions below it, so their
        URLs extend this one: one reverse() per card, not one per chip (a detail page has
        hundreds of chips; see benchmarks/pages.py). tests/web/test_cards.py checks that
        every action URL built here is the one reverse() gives."""
        return reverse("orders:image-card", args=[self.image.line_item.order.number, self.image.pk])

    @property
    def coloring_url(self) -> str:
        return f"{self.url}coloring/"

    @property
    def svg_url(self) -> str:
        return f"{self.url}svg/"

    @cached_property
    def coloring_chips(self) -> list[Chip]:
        return self._chips("coloring", self.colorings)

    @cached_property
    def svg_chips(self) -> list[Chip]:
        return self._chips("svg", self.svgs)

    def _chips(self, kind: str, versions: list[ColoringVersion] | list[SvgVersion]) -> list[Chip]:
        base = f"{self.url}{kind}/"
        return [Chip(v, f"{base}{v.pk}/select/", f"{base}{v.pk}/retry/") for v in versions]

    @cached_property
    def selected_coloring(self) -> ColoringVersion | None:
        return next((v for v in self.colorings if v.is_selected), None)

    @cached_property
    def selected_svg(self) -> SvgVersion | None:
        return next((v for v in self.svgs if v.is_selected), None)

    @cached_property
    def held_coloring(self) -> ColoringVersion | None:
        """The newest completed colouring that the output checks kept from being selected,
        when none is selected: the card says why its frame is empty."""
        return _held(self.colorings, self.selected_coloring)

    @cached_property
    def held_svg(self) -> SvgVersion | None:
        return _held(self.svgs, self.selected_svg)

    @cached_property
    def svg_source(self) -> ColoringVersion | None:
        """What a new SVG is made from (the selectors' `usable_coloring_id`)."""
        source = self.image.usable_coloring_id  # type: ignore[attr-defined]  # annotated
        return next((v for v in self.colorings if v.pk == source), None)

    @property
    def coloring_state(self) -> str:
        """A `processing.selectors.State`, annotated on the row."""
        return str(self.image.coloring_state)  # type: ignore[attr-defined]  # annotated

    @property
    def svg_state(self) -> str:
        return str(self.image.svg_state)  # type: ignore[attr-defined]  # annotated

    @property
    def coloring_eligible(self) -> bool:
        """Whether the order-level "generate colourings" would start one for this photo."""
        return bool(self.image.coloring_eligible)  # type: ignore[attr-defined]  # annotated

    @property
    def svg_eligible(self) -> bool:
        return bool(self.image.svg_eligible)  # type: ignore[attr-defined]  # annotated

    @property
    def coloring_busy(self) -> bool:
        return any(v.is_in_progress for v in self.colorings)

    @property
    def svg_busy(self) -> bool:
        return any(v.is_in_progress for v in self.svgs)

    @property
    def purged_at(self) -> datetime | None:
        """When the order's files were purged (retention): the card shows that instead
        of pictures, and offers nothing that needs the photo."""
        return self.image.line_item.order.photos_purged_at

    @property
    def can_color(self) -> bool:
        return self.image.is_downloaded and not self.coloring_busy and not self.purged_at

    @property
    def can_vectorize(self) -> bool:
        return self.svg_source is not None and not self.svg_busy and not self.purged_at

    @property
    def active_tab(self) -> str:
        """The kind of the newest version, so a new version's progress is in view."""
        if not self.svgs:
            return "coloring"
        if not self.colorings:
            return "svg"
        newest_svg, newest_coloring = self.svgs[-1], self.colorings[-1]
        return "svg" if newest_svg.created_at >= newest_coloring.created_at else "coloring"


def _held(versions: list[V], selected: V | None) -> V | None:
    if selected is not None:
        return None
    completed = (v for v in reversed(versions) if v.status == VersionStatus.COMPLETED)
    return next((v for v in completed if v.flags), None)


@dataclass
class LineItemCards:
    line_item: LineItem
    cards: list[ImageCard] = field(default_factory=list)
    book: BookPanel | None = None


@dataclass
class OrderCards:
    order: Order
    line_items: list[LineItemCards]

    @property
    def cards(self) -> list[ImageCard]:
        return [card for item in self.line_items for card in item.cards]

    @property
    def progress(self) -> OrderProgress:
        cards = self.cards
        return OrderProgress(
            coloring=progress_from_states([c.coloring_state for c in cards], "Omalovánky"),
            svg=progress_from_states([c.svg_state for c in cards], "SVG"),
        )

    @property
    def busy(self) -> bool:
        return self.order.status in (Order.Status.DOWNLOADING, Order.Status.PROCESSING)

    @property
    def can_sync(self) -> bool:
        return self.order.shopify_id is not None and not self.busy

    @property
    def can_color(self) -> bool:
        return not self.busy and any(c.coloring_eligible for c in self.cards)

    @property
    def can_vectorize(self) -> bool:
        purged = self.order.photos_purged_at is not None
        return not self.busy and not purged and any(c.svg_eligible for c in self.cards)

    @property
    def can_build_books(self) -> bool:
        return not self.busy and any(i.book and i.book.can_build for i in self.line_items)

    @property
    def working(self) -> bool:
        return any(c.coloring_busy or c.svg_busy for c in self.cards)


def _images() -> QuerySet[Image]:
    return images_with_states(Image.objects.order_by("position")).prefetch_related(
        Prefetch("coloring_versions", queryset=ColoringVersion.objects.order_by("version")),
        Prefetch(
            "svg_versions",
            queryset=SvgVersion.objects.select_related("coloring_version").order_by("version"),
        ),
    )


def _card(image: Image) -> ImageCard:
    svgs = list(image.svg_versions.all())
    # What the book panel reads (processing.books), from the rows already here.
    image.selected_svgs = [  # type: ignore[attr-defined]
        v for v in svgs if v.is_selected and v.status == SvgStatus.COMPLETED
    ]
    return ImageCard(image=image, colorings=list(image.coloring_versions.all()), svgs=svgs)


def order_cards(*, order: Order) -> OrderCards:
    """The order's line items with one card per photo and their book panels: five
    queries whatever the size."""
    rows = order.line_items.order_by("position")
    items = list(rows.prefetch_related(Prefetch("images", _images()), BOOKS))
    for item in items:
        item.order = order  # the page links back without a query per line item
    return OrderCards(order=order, line_items=[_line_item(item) for item in items])


def _line_item(item: LineItem) -> LineItemCards:
    cards = [_card(image) for image in item.images.all()]
    return LineItemCards(item, cards, book=panel_of(item))


def image_card(*, image_id: int) -> ImageCard:
    """One photo's card (for an htmx refresh or a WebSocket push): three queries."""
    image = _images().select_related("line_item__order").get(pk=image_id)
    return _card(image)


def card_forms_context() -> dict[str, object]:
    """What every card's forms need and no card changes: choices, defaults, bounds.

    A page of cards (the order detail, its htmx refresh) renders them with this.
    """
    return {
        "values": CARD_DEFAULTS,
        "bounds": INPUT_BOUNDS,
        "shape_stackings": ShapeStacking.choices,
        "group_bys": GroupBy.choices,
    }


def card_context(
    card: ImageCard,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
) -> dict[str, object]:
    """Everything orders/partials/image_card.html needs for one card alone (a refresh, an
    action's answer, a push): the posted values, errors and message shown in place."""
    return {
        **card_forms_context(),
        "card": card,
        "order": card.image.line_item.order,
        "values": {**CARD_DEFAULTS, **(values or {})},
        "errors": errors or {},
        "message": message,
    }


def _field_default(model: type[models.Model], name: str) -> str:
    """A version field's default as its input shows it (1.0 megapixels as "1")."""
    column = model._meta.get_field(name)
    if not isinstance(column, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column.")
    default = column.default
    return f"{default:g}" if isinstance(default, float) else str(default)


# What a card's forms show before anything is posted: the version models' own defaults.
CARD_DEFAULTS = {
    "megapixels": _field_default(ColoringVersion, "megapixels"),
    "steps": _field_default(ColoringVersion, "steps"),
    "shape_stacking": _field_default(SvgVersion, "shape_stacking"),
    "group_by": _field_default(SvgVersion, "group_by"),
}

# The browser's hints on the number inputs; processing's validation is what decides.
INPUT_BOUNDS = {
    "megapixels": {
        "min": f"{MEGAPIXELS_MIN:g}",
        "max": f"{MEGAPIXELS_MAX:g}",
        "step": f"{MEGAPIXELS_STEP:g}",
    },
    "steps": {"min": f"{STEPS_MIN}", "max": f"{STEPS_MAX}", "step": "1"},
}
