"""URLs of the staff pages, their actions and stored files.

The namespace stays `orders`, and every name and path here is a contract that
templates, the admin, the API and bookmarks rely on. A photo's actions live below its
card's URL (`image` below), which is what lets a card build them from one reverse().
"""

from __future__ import annotations

from django.urls import path, register_converter

from orders.models import Image
from processing.kinds import kinds

from . import (
    actions,
    autopilot,
    book_actions,
    dashboard,
    exports,
    files,
    fulfilment,
    holds,
    lifecycle,
    manual,
    review,
    views,
)


class KindConverter:
    """A version kind in a chip's URL: a declared kind whose versions belong to a photo."""

    regex = "|".join(kind.name for kind in kinds() if kind.parent_model is Image)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")

app_name = "orders"

image = "orders/<slug:number>/images/<int:image_id>/"

urlpatterns = [
    path("orders/", views.order_list_view, name="list"),
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("orders/fetch-from-shopify/", actions.orders_fetch, name="fetch"),
    path("orders/print-batch.zip", exports.print_batch_zip, name="print-batch"),
    # Before orders/<number>/: "new" and "create-sample" are no order numbers.
    path("orders/new/", manual.order_new_view, name="new"),
    path("orders/create-sample/", manual.sample_order_create_view, name="create-sample"),
    path("orders/<slug:number>/", views.order_detail_view, name="detail"),
    path("orders/<slug:number>/sync/", actions.order_sync, name="sync"),
    path("orders/<slug:number>/review/", review.review_view, name="review"),
    path(
        "orders/<slug:number>/review/<int:version_id>/verdict/",
        review.review_verdict,
        name="review-verdict",
    ),
    path("orders/<slug:number>/export.zip", exports.order_zip, name="export"),
    path(
        "orders/<slug:number>/generate-coloring/",
        actions.order_generate_coloring,
        name="generate-coloring",
    ),
    path("orders/<slug:number>/generate-svg/", actions.order_generate_svg, name="generate-svg"),
    path(
        "orders/<slug:number>/generate-pdf/", book_actions.order_generate_pdf, name="generate-pdf"
    ),
    path(
        "orders/<slug:number>/line-items/<int:line_item_id>/book/",
        book_actions.line_item_book_generate,
        name="book-generate",
    ),
    path("orders/<slug:number>/fulfil-retry/", fulfilment.fulfil_retry, name="fulfil-retry"),
    # The lifecycle after review (fotomalovanky.web.lifecycle).
    path("orders/<slug:number>/lifecycle/", lifecycle.lifecycle_panel_view, name="lifecycle"),
    path("orders/<slug:number>/approve/", lifecycle.order_approve_view, name="approve"),
    path("orders/<slug:number>/printed/", lifecycle.order_mark_printed_view, name="mark-printed"),
    path("orders/<slug:number>/sent/", lifecycle.order_mark_sent_view, name="mark-sent"),
    path("orders/<slug:number>/undo/", lifecycle.order_undo_view, name="undo"),
    path(
        "orders/<slug:number>/change/apply/",
        lifecycle.order_change_apply_view,
        name="change-apply",
    ),
    path("orders/<slug:number>/change/keep/", lifecycle.order_change_keep_view, name="change-keep"),
    # The intake hold (fotomalovanky.web.holds).
    path("orders/<slug:number>/hold/confirm/", holds.order_hold_confirm_view, name="hold-confirm"),
    path(
        "orders/<slug:number>/hold/email-sent/",
        holds.order_hold_email_sent_view,
        name="hold-email-sent",
    ),
    # The order's autopilot switch and panel (fotomalovanky.web.autopilot).
    path("orders/<slug:number>/autopilot/", autopilot.order_autopilot_view, name="autopilot"),
    path(
        "orders/<slug:number>/autopilot/panel/",
        autopilot.autopilot_panel_view,
        name="autopilot-panel",
    ),
    path(image, views.image_card_view, name="image-card"),
    path(image + "coloring/", actions.image_generate_coloring, name="image-coloring"),
    path(image + "svg/", actions.image_generate_svg, name="image-svg"),
    path(
        image + "<kind:kind>/<int:version_id>/select/",
        actions.version_select,
        name="version-select",
    ),
    path(
        image + "<kind:kind>/<int:version_id>/retry/", actions.version_retry, name="version-retry"
    ),
    path("media/<path:path>", files.media, name="media"),
]
