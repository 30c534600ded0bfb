"""Mapping Shopify's orders onto our rows: idempotent upserts that never delete staff work."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from common.storage import stored_delete
from orders.models import Image, LineItem, Order
from orders.services import order_changed_notify, order_event_log, order_status_set
from orders.services.intake import intake_inputs, order_intake_reset
from orders.services.lifecycle import order_cancel

from ..schemas import LineItemData, OrderData
from .changes import change_hold
from .photos import images_waiting, photos_download_enqueue


@dataclass
class IngestResult:
    order_id: int
    order_number: str
    outcome: str  # "imported" | "updated" | "unchanged" | "stale"
    changes: list[str] = field(default_factory=list)
    downloads: int = 0  # photos waiting to be downloaded


def order_ingest(*, data: OrderData, actor: str, replace_photos: bool = False) -> IngestResult:
    """Create or update an order (and, when `data` has them, its line items and photos).

    Idempotent: upserts by `shopify_id`, `shopify_line_item_id` and (line item,
    position); running it twice with the same data changes nothing the second time.
    Data older than what we hold (Shopify's updated_at) is not applied ("stale").
    A photo whose URL changed is re-downloaded only while it has no colouring (or when
    `replace_photos`: staff chose to apply Shopify's change); versions and selections
    are never touched. An order past review keeps its line items: Shopify's change
    waits for staff (services.changes). `cancelled_at` cancels the order, from any
    status. A changed photo set (photos, variant or consent) forgets the intake checks'
    verdict, so the new set is checked again and a corrected one lifts a hold by itself.
    Enqueues the photo download after commit when a photo is waiting for it; an order
    with nothing to download becomes ready for review.
    """
    with transaction.atomic():
        order, created = _order_for_update(data)
        if not created and _is_stale(order, data):
            return IngestResult(order.pk, order.order_number, "stale")
        changes = _apply_order_fields(order, data, created)
        if data.line_items is not None:
            before = None if created else intake_inputs(order.pk)
            changes += _apply_items_or_hold(order, data, created, actor, replace_photos)
            if before is not None and intake_inputs(order.pk) != before:
                order_intake_reset(order_id=order.pk, actor=actor)
        if data.cancelled_at is not None and order_cancel(
            order_id=order.pk, cancelled_at=data.cancelled_at, actor=actor
        ):
            changes.append("objednávka zrušena")
        result = IngestResult(order.pk, order.order_number, _outcome(created, changes), changes)
        _record(order, result, actor)
        order.refresh_from_db(fields=["status"])
        if data.line_items is not None and not order.is_held:
            result.downloads = _schedule_downloads(order, actor)
    return result


def _apply_items_or_hold(
    order: Order, data: OrderData, created: bool, actor: str, replace_photos: bool
) -> list[str]:
    """Apply Shopify's line items, unless staff hold the order: then the difference waits
    for their decision (approved and later), or is of no use (cancelled)."""
    assert data.line_items is not None
    if created:
        return _apply_line_items(order, data.line_items, actor, replace_photos)
    if order.status == Order.Status.CANCELLED or data.cancelled_at is not None:
        return []
    if order.is_held:
        return change_hold(order=order, data=data, actor=actor)
    return _apply_line_items(order, data.line_items, actor, replace_photos)


def _order_for_update(data: OrderData) -> tuple[Order, bool]:
    """Lock the order row, creating it if needed; two concurrent creators get one row."""
    order = Order.objects.select_for_update().filter(shopify_id=data.shopify_id).first()
    if order is not None:
        return order, False
    try:
        with transaction.atomic():
            return (
                Order.objects.create(
                    shopify_id=data.shopify_id, order_number=data.name, created_at=data.created_at
                ),
                True,
            )
    except IntegrityError:
        return Order.objects.select_for_update().get(shopify_id=data.shopify_id), False


def _is_stale(order: Order, data: OrderData) -> bool:
    return bool(
        data.updated_at and order.shopify_updated_at and data.updated_at < order.shopify_updated_at
    )


ORDER_FIELDS = {
    "customer_name": "zákazník",
    "customer_email": "e-mail",
    "payment_status": "platba",
    "shipping_method": "doprava",
}


def _apply_order_fields(order: Order, data: OrderData, created: bool) -> list[str]:
    """Refresh the order's metadata; an empty value from Shopify never erases ours."""
    incoming = {
        "customer_name": data.customer_name,
        "customer_email": data.email,
        "payment_status": data.payment_status,
        "shipping_method": data.shipping_method,
    }
    changes = []
    for name, value in incoming.items():
        old = getattr(order, name)
        if value and value != old:
            setattr(order, name, value)
            if not created:
                changes.append(f"{ORDER_FIELDS[name]}: {old or '—'} → {value}")
    order.created_at = data.created_at  # Shopify's time, also for orders a webhook created
    if data.updated_at and (
        not order.shopify_updated_at or data.updated_at > order.shopify_updated_at
    ):
        order.shopify_updated_at = data.updated_at
    order.save()
    return changes


def _apply_line_items(
    order: Order, items: tuple[LineItemData, ...], actor: str, replace_photos: bool
) -> list[str]:
    existing = {li.shopify_line_item_id: li for li in order.line_items.all()}
    next_position = max((li.position for li in existing.values()), default=0) + 1
    images = {(i.line_item_id, i.position): i for i in Image.objects.filter(line_item__order=order)}
    changes: list[str] = []
    for item in items:
        line_item = existing.get(item.shopify_line_item_id)
        if line_item is None:
            line_item = LineItem.objects.create(
                order=order,
                position=next_position,
                **_line_item_fields(item),
                shopify_line_item_id=item.shopify_line_item_id,
            )
            next_position += 1
            changes.append(f"nová položka {line_item.position}: {item.title}")
        elif _refresh(line_item, _line_item_fields(item)):
            changes.append(f"položka {line_item.position} změněna")
        changes += _apply_photos(line_item, item, images, replace_photos)
    return changes


def _line_item_fields(item: LineItemData) -> dict[str, object]:
    return {
        "title": item.title[:255],
        "variant_title": item.variant_title[:255],
        "quantity": item.quantity,
        "dedication": item.dedication,
        "layout": item.layout[:255],
        "consent": dict(item.consent),
    }


def _refresh(row: LineItem, values: dict[str, object]) -> bool:
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return bool(changed)


def _apply_photos(
    line_item: LineItem,
    item: LineItemData,
    images: dict[tuple[int, int], Image],
    replace: bool,
) -> list[str]:
    changes = []
    for photo in item.photos:
        image = images.get((line_item.pk, photo.position))
        if image is None:
            Image.objects.create(
                line_item=line_item, position=photo.position, original_url=photo.url
            )
            changes.append(f"nová fotka {photo.position} v položce {line_item.position}")
        elif image.original_url != photo.url:
            changes.append(_photo_url_changed(image, photo.url, replace))
    return changes


def _photo_url_changed(image: Image, url: str, replace: bool) -> str:
    # The reverse relation is processing's (queried by name, not imported): once staff
    # have colourings of a photo, the photo they were made from stays as it is, unless
    # staff themselves chose Shopify's change ("Použít změny").
    made = Image.objects.filter(pk=image.pk, coloring_versions__isnull=False).exists()
    if made and not replace:
        return (
            f"fotka {image.position} má ve Shopify novou adresu, ale už má omalovánky: "
            "ponechána původní"
        )
    _forget_download(image)
    image.original_url = url
    image.save()
    return f"fotka {image.position} má novou adresu: stáhne se znovu"


def _forget_download(image: Image) -> None:
    names = [f.name for f in (image.file, image.preview) if f.name]

    def delete_files() -> None:
        for name in names:
            stored_delete(name)

    # Files go only once the new state is committed, so a rollback loses nothing.
    transaction.on_commit(delete_files, robust=True)
    image.file = image.preview = ""
    image.content_type = image.sha256 = image.download_error = ""
    image.size = image.width = image.height = image.downloaded_at = None


def _outcome(created: bool, changes: list[str]) -> str:
    if created:
        return "imported"
    return "updated" if changes else "unchanged"


def _record(order: Order, result: IngestResult, actor: str) -> None:
    if result.outcome == "imported":
        order_event_log(order_id=order.pk, actor=actor, message="Objednávka importována ze Shopify")
    elif result.changes:
        order_event_log(
            order_id=order.pk, actor=actor, message="Změny ze Shopify: " + "; ".join(result.changes)
        )
    if result.outcome != "unchanged":
        order_changed_notify(
            order_id=order.pk, order_number=order.order_number, created=result.outcome == "imported"
        )


def _schedule_downloads(order: Order, actor: str) -> int:
    """Queue the photo download when photos wait for it; else the order is ready."""
    waiting = images_waiting(order.pk).count()
    if waiting:
        photos_download_enqueue(order_id=order.pk)
    else:
        order_status_set(
            order_id=order.pk,
            status=Order.Status.READY_FOR_REVIEW,
            actor=actor,
            expected={Order.Status.PENDING, Order.Status.ERROR},
        )
    return waiting
