"""Shapes of the API: the seed's field names and nesting, plus what the new system knows more.

Added to the seed's fields: status labels (Czech), `error_message`, `is_selected`,
the output checks' `flags`, `backend`, the version timestamps, and the staff-only URLs
of stored files (absolute; they need the same token or session as the API). Empty text
comes out as `null`, as in the seed. Times are ISO 8601 in Prague time with the offset,
as the seed rendered them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict

from fotomalovanky.permissions import Capability, can
from fotomalovanky.web.files import file_url
from orders.models import Image, Order
from processing.models import (
    DEFAULT_GROUP_BY,
    DEFAULT_MEGAPIXELS,
    DEFAULT_SHAPE_STACKING,
    DEFAULT_STEPS,
    BookLayout,
    BookStatus,
    ColoringStatus,
    GroupBy,
    RejectReason,
    ShapeStacking,
    SvgStatus,
    Verdict,
)
from processing.outputs import OutputFlag
from processing.services.versions import (
    MEGAPIXELS_MAX,
    MEGAPIXELS_MIN,
    MEGAPIXELS_STEP,
    STEPS_MAX,
    STEPS_MIN,
)

LocalTime = Annotated[datetime, AfterValidator(timezone.localtime)]


def _absolute_url(field: FieldFile | None, context: dict[str, Any]) -> str | None:
    url = file_url(field)
    return context["request"].build_absolute_uri(url) if url else None


def _costs_visible(context: dict[str, Any]) -> bool:
    """Costs are operators' only (a printer never sees them, fotomalovanky/permissions.py)."""
    return can(getattr(context["request"], "auth", None), Capability.OPERATE)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"


COST_DESCRIPTION = (
    "What making the version cost, in `cost_currency` of its order (a decimal string with "
    'four places, e.g. "0.0876"), computed when it ended at the prices of that day; null '
    "while it runs, when the vendor did not say what it billed, and for printers."
)


# Text that the model keeps as "" when there is none: `null` in the API, as in the seed.
Text = Annotated[str | None, BeforeValidator(lambda value: value or None)]


class ErrorOut(Schema):
    """`detail` is a sentence, or for 422 a list of field errors."""

    detail: str | list[dict[str, Any]]


class StatusOut(Schema):
    status: str
    message: str


class GenerateOut(Schema):
    queued: int
    message: str


class HealthOut(Schema):
    """200: the database and the broker answer."""

    status: Literal["healthy", "degraded"] = Field(
        description="degraded: a version in progress has not changed for longer than "
        "PROCESSING_STALE_RUNNING (workers or the recovery sweep are not keeping up)"
    )
    checks: dict[str, str] = Field(description='"ok" or the error, per check')
    queues: dict[str, int] = Field(description="messages waiting, per Celery queue")
    in_progress_unchanged_seconds: int | None = Field(
        description="how long the in-progress version that changed least recently has "
        "been unchanged; null when none is in progress"
    )


class HealthFailedOut(Schema):
    """503: the database or the broker does not answer."""

    status: Literal["unhealthy"]
    checks: dict[str, str] = Field(description='"ok" or the error, per check')
    failed: list[str] = Field(description="the checks that failed")
    queues: dict[str, int] | None = Field(description="null when the broker failed")
    in_progress_unchanged_seconds: int | None = Field(
        description="null when none is in progress or the database failed"
    )


# --- Versions ---


class ColoringOptions(Schema):
    megapixels: float
    steps: int


class SvgOptions(Schema):
    shape_stacking: ShapeStacking
    group_by: GroupBy


FLAGS_DESCRIPTION = (
    "What the output checks found in the completed file; a flagged version is never "
    "selected automatically. Codes: "
    + "; ".join(f"`{flag.value}` ({flag.label})" for flag in OutputFlag)
    + ". Empty: nothing found, or not checked (books, unfinished versions)."
)


class VersionOut(Schema):
    id: int
    version: int
    url: str | None
    status_label: str
    error_message: Text
    is_selected: bool
    flags: list[str] = Field(description=FLAGS_DESCRIPTION)
    backend: str
    created_at: LocalTime
    started_at: LocalTime | None
    completed_at: LocalTime | None
    updated_at: LocalTime
    cost: str | None = Field(description=COST_DESCRIPTION)

    @staticmethod
    def resolve_url(obj: Any, context: dict[str, Any]) -> str | None:
        return _absolute_url(obj.file, context)

    @staticmethod
    def resolve_cost(obj: Any, context: dict[str, Any]) -> str | None:
        return _money(obj.cost) if _costs_visible(context) else None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return obj.get_status_display()


class ColoringVersionOut(VersionOut):
    status: ColoringStatus
    options: ColoringOptions
    verdict: Annotated[Verdict | None, BeforeValidator(lambda value: value or None)] = Field(
        description="Staff's verdict on the page in the review workspace; null: not judged."
    )
    reject_reason: Annotated[RejectReason | None, BeforeValidator(lambda value: value or None)] = (
        Field(description="Why the page was rejected; null unless `verdict` is rejected.")
    )

    @staticmethod
    def resolve_options(obj: Any) -> dict[str, Any]:
        return {"megapixels": obj.megapixels, "steps": obj.steps}


class SvgVersionOut(VersionOut):
    status: SvgStatus
    coloring_version_id: int
    options: SvgOptions

    @staticmethod
    def resolve_options(obj: Any) -> dict[str, Any]:
        return {"shape_stacking": obj.shape_stacking, "group_by": obj.group_by}


class BookVersionOut(VersionOut):
    status: BookStatus
    line_item_id: int
    layout: BookLayout
    page_count: int | None
    incomplete: bool
    source_svg_version_ids: list[int]

    @staticmethod
    def resolve_source_svg_version_ids(obj: Any) -> list[int]:
        return list(obj.sources)


class BookOptionsIn(Schema):
    confirm_incomplete: bool = Field(
        False,
        description="Build even when the photo count differs from the variant's `… / N`; "
        "the book is then flagged incomplete.",
    )


# --- Images, line items, orders ---


class SelectedVersionIds(Schema):
    coloring: int | None
    svg: int | None


class ImageVersions(Schema):
    coloring: list[ColoringVersionOut]
    svg: list[SvgVersionOut]


def _selected_id(versions: Any) -> int | None:
    return next((v.pk for v in versions.all() if v.is_selected), None)


class ImageOut(Schema):
    id: int
    position: int
    url: str | None = Field(description="The stored original (staff-only).")
    preview_url: str | None
    original_url: Text = Field(description="Where Shopify had the photo.")
    uploaded_at: LocalTime | None = Field(description="When the photo was downloaded.")
    download_error: Text
    selected_version_ids: SelectedVersionIds
    versions: ImageVersions

    @staticmethod
    def resolve_url(obj: Image, context: dict[str, Any]) -> str | None:
        return _absolute_url(obj.file, context)

    @staticmethod
    def resolve_preview_url(obj: Image, context: dict[str, Any]) -> str | None:
        return _absolute_url(obj.preview, context)

    @staticmethod
    def resolve_uploaded_at(obj: Image) -> datetime | None:
        return obj.downloaded_at

    @staticmethod
    def resolve_selected_version_ids(obj: Image) -> dict[str, int | None]:
        return {
            "coloring": _selected_id(obj.coloring_versions),
            "svg": _selected_id(obj.svg_versions),
        }

    @staticmethod
    def resolve_versions(obj: Image) -> dict[str, Any]:
        return {"coloring": list(obj.coloring_versions.all()), "svg": list(obj.svg_versions.all())}


class LineItemOut(Schema):
    id: int
    position: int
    title: str
    variant_title: Text
    quantity: int
    dedication: Text
    layout: Text
    images: list[ImageOut]


class OrderBase(Schema):
    id: int
    order_number: str = Field(description='The display number, e.g. "#1270".')
    number: str = Field(description='The number in URLs and events, e.g. "1270".')
    shopify_id: int | None
    shopify_order_number: str | None
    customer_email: Text
    customer_name: Text
    payment_status: Text
    status: Order.Status
    status_label: str
    status_message: Text
    created_at: LocalTime
    updated_at: LocalTime
    cost_total: str | None = Field(
        description="The known costs of all the order's versions, in `cost_currency` (a "
        "decimal string with four places); versions whose cost is not known are left out. "
        "Null for printers."
    )
    cost_currency: str = Field(description='The currency of every cost, e.g. "CZK".')

    @staticmethod
    def resolve_cost_total(obj: Order, context: dict[str, Any]) -> str | None:
        # Annotated by the API's selectors (processing.selectors_costs) for operators.
        visible = _costs_visible(context)
        return _money(getattr(obj, "cost_total", None)) if visible else None

    @staticmethod
    def resolve_cost_currency(obj: Order) -> str:
        return str(settings.COST_CURRENCY)

    @staticmethod
    def resolve_shopify_order_number(obj: Order) -> str | None:
        return obj.order_number if obj.shopify_id is not None else None

    @staticmethod
    def resolve_status_label(obj: Order) -> str:
        return obj.get_status_display()


class OrderOut(OrderBase):
    item_count: int = Field(description="Number of line items.")


class OrderListOut(Schema):
    orders: list[OrderOut]
    total: int


class OrderDetailOut(OrderBase):
    shipping_method: Text
    line_items: list[LineItemOut]


# --- Request bodies ---


def _json_number(value: object) -> object:
    """JSON numbers only: pydantic would turn `true` or "2" into numbers. An integral
    float (4.0) stays acceptable for an integer, as JSON Schema has it."""
    if isinstance(value, (bool, str)):
        raise ValueError("Musí to být číslo.")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_number)]
JsonFloat = Annotated[float, BeforeValidator(_json_number)]

# The limits are the services' own constants; the services check them again (they
# serve the admin and the pages too), so the two can never disagree.


class ColoringSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    megapixels: JsonFloat = Field(
        DEFAULT_MEGAPIXELS, ge=MEGAPIXELS_MIN, le=MEGAPIXELS_MAX, multiple_of=MEGAPIXELS_STEP
    )
    steps: JsonInt = Field(DEFAULT_STEPS, ge=STEPS_MIN, le=STEPS_MAX)


class SvgSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    shape_stacking: ShapeStacking = DEFAULT_SHAPE_STACKING
    group_by: GroupBy = DEFAULT_GROUP_BY


def responses(ok: Any, *errors: int) -> dict[int, Any]:
    """The documented answers of an endpoint that needs auth: `ok` for 200, ErrorOut for
    401, 403 and the given error statuses."""
    return {200: ok, **{status: ErrorOut for status in sorted({401, 403, *errors})}}
