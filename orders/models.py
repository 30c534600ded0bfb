"""Orders as they come from Shopify: Order → LineItem (one colouring book) → Image (one photo).

Staff can also enter an order by hand (a manual order, `#M1000`, …): the same rows, with
no Shopify ids. This module imports neither `processing` nor `shopify_sync`: the
selected colouring or SVG of an image is a flag on the version row, not a pointer here.
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

PAYMENT_STATUS_LABELS = {
    "PENDING": "Čeká na platbu",
    "AUTHORIZED": "Autorizováno",
    "PARTIALLY_PAID": "Částečně zaplaceno",
    "PAID": "Zaplaceno",
    "PARTIALLY_REFUNDED": "Částečně vráceno",
    "REFUNDED": "Vráceno",
    "VOIDED": "Zrušeno",
    "EXPIRED": "Vypršelo",
}


# The shop's two values of the `Rozvržení` attribute, exactly as Shopify sends them.
LAYOUT_GALLERY = "🖼️ Galerie (vaše fotka vedle omalovánky)"
LAYOUT_FULLPAGE = "📄 Celostránková omalovánka (plná stránka pro vybarvování)"
LAYOUTS = (LAYOUT_GALLERY, LAYOUT_FULLPAGE)

# "Omalovánka z vlastních fotek / 8": the number of photos the product holds.
VARIANT_COUNT = re.compile(r"/\s*(\d+)\s*$")


def variant_photo_count(variant_title: str) -> int | None:
    """N of a variant titled "… / N", else None (then a book's photo count is not checked)."""
    match = VARIANT_COUNT.search(variant_title)
    return int(match[1]) if match else None


def order_number_normalize(number: str) -> str:
    """The URL form of an order number: `#1270`, `1270` and ` #1270 ` are all `1270`.

    The one place that knows how numbers are written; stored numbers keep Shopify's form.
    """
    return number.strip().lstrip("#")


class OrderQuerySet(models.QuerySet["Order"]):
    def by_number(self, number: str) -> OrderQuerySet:
        """Orders whose number is `number` in any written form (`#1270` or `1270`)."""
        key = order_number_normalize(number)
        return self.filter(order_number__in=[f"#{key}", key])


class FulfilmentStatus(models.TextChoices):
    """Where telling Shopify that the order shipped stands (blank: nothing to tell)."""

    PENDING = "pending", "Čeká na odeslání do Shopify"
    DONE = "done", "Shopify informován"
    ERROR = "error", "Chyba oznámení Shopify"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Čeká na zpracování"
        DOWNLOADING = "downloading", "Stahování…"
        PROCESSING = "processing", "Zpracování…"
        READY_FOR_REVIEW = "ready_for_review", "Ke kontrole"
        ERROR = "error", "Chyba"
        # After review, each a staff step (orders.lifecycle).
        APPROVED = "approved", "Schváleno"
        PRINTED = "printed", "Vytištěno"
        SENT = "sent", "Odesláno"
        CANCELLED = "cancelled", "Zrušeno"

    shopify_id = models.BigIntegerField("Shopify ID", unique=True, null=True, blank=True)
    order_number = models.CharField("číslo", max_length=32, unique=True)
    customer_name = models.CharField("zákazník", max_length=255, blank=True)
    customer_email = models.EmailField("e-mail", max_length=254, blank=True)
    payment_status = models.CharField("stav platby", max_length=32, blank=True)
    shipping_method = models.CharField("doprava", max_length=255, blank=True)
    status = models.CharField("stav", max_length=20, choices=Status.choices, default=Status.PENDING)
    status_message = models.TextField("zpráva ke stavu", blank=True)
    created_at = models.DateTimeField("vytvořeno", default=timezone.now)
    # Shopify's updatedAt of the data we hold: an older webhook never overwrites newer data.
    shopify_updated_at = models.DateTimeField("změněno ve Shopify", null=True, blank=True)
    imported_at = models.DateTimeField("importováno", auto_now_add=True)
    updated_at = models.DateTimeField("změněno", auto_now=True)
    cancelled_at = models.DateTimeField("zrušeno", null=True, blank=True)
    # A change Shopify made after approval, not applied until staff decide (orders.lifecycle).
    pending_change = models.JSONField("čekající změna ze Shopify", null=True, blank=True)
    tracking_number = models.CharField("číslo zásilky", max_length=100, blank=True)
    carrier = models.CharField("dopravce", max_length=100, blank=True)
    fulfilment_status = models.CharField(
        "oznámení Shopify", max_length=16, choices=FulfilmentStatus.choices, blank=True
    )
    fulfilment_error = models.TextField("chyba oznámení Shopify", blank=True)
    shopify_fulfillment_id = models.CharField("Shopify fulfillment", max_length=100, blank=True)
    # Intake checks (issue 14) run when the photo set is stored: held orders start no paid
    # work until staff confirm "Generovat i tak". `intake_checked_at` is cleared whenever
    # the photo set changes, so a corrected set is checked (and released) again.
    intake_checked_at = models.DateTimeField("fotky zkontrolovány", null=True, blank=True)
    intake_held = models.BooleanField("zadrženo kontrolou fotek", default=False)
    hold_confirmed_at = models.DateTimeField("generovat i tak (kdy)", null=True, blank=True)
    hold_confirmed_by = models.CharField("generovat i tak (kdo)", max_length=150, blank=True)
    # The per-order autopilot switch: None follows settings.AUTOPILOT.
    autopilot = models.BooleanField("autopilot", null=True, blank=True)
    # Staff wrote to the customer about a hold (the e-mail draft on the order page).
    hold_email_sent_at = models.DateTimeField("e-mail odeslán (kdy)", null=True, blank=True)
    hold_email_sent_by = models.CharField("e-mail odeslal(a)", max_length=150, blank=True)
    # Retention (manage.py purge_photos): the records stay, the files go.
    photos_purged_at = models.DateTimeField("fotky smazány", null=True, blank=True)
    books_purged_at = models.DateTimeField("knihy smazány", null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = "objednávka"
        verbose_name_plural = "objednávky"
        ordering = ["-created_at", "-pk"]
        # The two roles (fotomalovanky.permissions): groups get them in a data migration.
        permissions = [
            ("operate_orders", "Může zpracovávat a schvalovat objednávky"),
            ("print_orders", "Může tisknout schválené objednávky"),
        ]
        indexes = [
            # The order list sorts newest first, optionally filtered by status.
            models.Index(fields=["-created_at"], name="order_created_idx"),
            models.Index(fields=["status", "-created_at"], name="order_status_created_idx"),
        ]

    def __str__(self) -> str:
        return self.order_number

    @property
    def number(self) -> str:
        """The order number as it appears in URLs: `#1270` → `1270`."""
        return order_number_normalize(self.order_number)

    @property
    def is_manual(self) -> bool:
        """Entered by staff, not imported: there is nothing to fetch from Shopify."""
        return self.shopify_id is None

    @property
    def payment_status_label(self) -> str:
        return PAYMENT_STATUS_LABELS.get(self.payment_status, self.payment_status or "—")

    @property
    def is_held(self) -> bool:
        """At a staff step (approved, printed, sent) or cancelled: no automatic step moves it."""
        return self.status in HELD_STATUSES

    @property
    def intake_clear(self) -> bool:
        """The intake checks ran on the current photos and hold nothing back (or staff
        confirmed "Generovat i tak"): automatic paid work may start."""
        if self.intake_checked_at is None:
            return False
        return not self.intake_held or self.hold_confirmed_at is not None

    @property
    def change_pending(self) -> bool:
        """Shopify changed the order after approval and staff have not decided yet."""
        change = self.pending_change
        return isinstance(change, dict) and bool(change) and not change.get("kept")

    @property
    def hold_waiting(self) -> bool:
        """The intake checks hold the order and staff have not confirmed "Generovat i
        tak": it waits for the customer or for staff (the board's intake hold)."""
        return self.intake_held and self.hold_confirmed_at is None

    @property
    def hold_waiting_since(self) -> datetime | None:
        """Since when a held order has waited: the last e-mail to the customer about the
        hold, else the check that held it (None: not waiting, or not checked yet)."""
        if not self.hold_waiting:
            return None
        return self.hold_email_sent_at or self.intake_checked_at

    @property
    def hold_overdue(self) -> bool:
        """Held and waiting more than HOLD_EMAIL_OVERDUE_DAYS: the board and the order
        page show it red. The one definition of "overdue"."""
        since = self.hold_waiting_since
        limit = timedelta(days=settings.HOLD_EMAIL_OVERDUE_DAYS)
        return since is not None and timezone.now() - since > limit


# Statuses only staff move an order out of: the steps after review, and a cancellation
# (which nothing undoes). Downloads, syncs and processing change only the others.
AFTER_REVIEW = frozenset({Order.Status.APPROVED, Order.Status.PRINTED, Order.Status.SENT})
HELD_STATUSES = AFTER_REVIEW | {Order.Status.CANCELLED}
AUTOMATIC_STATUSES = frozenset(Order.Status) - HELD_STATUSES


class LineItem(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="line_items", verbose_name="objednávka"
    )
    position = models.PositiveIntegerField("pořadí")
    shopify_line_item_id = models.BigIntegerField(
        "Shopify ID položky", unique=True, null=True, blank=True
    )
    title = models.CharField("název", max_length=255)
    variant_title = models.CharField("varianta", max_length=255, blank=True)
    quantity = models.PositiveIntegerField("množství", default=1)
    dedication = models.TextField("věnování", blank=True)
    layout = models.CharField("rozvržení", max_length=255, blank=True)
    # The customer's photo authorisation, from the `_Photo authorization …` attributes:
    # {"accepted", "version", "accepted_at", "locale", "text_hash"} as Shopify sent them.
    consent = models.JSONField("souhlas s fotkami", default=dict, blank=True)
    # Intake findings about the book as a whole (photo count, consent), `orders.intake`.
    intake_findings = models.JSONField("nálezy kontroly", default=list, blank=True)

    class Meta:
        verbose_name = "položka"
        verbose_name_plural = "položky"
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="uq_line_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.position})"


def image_upload_to(image: Image, filename: str) -> str:
    """`{order_id}/{line_item_id}/image_{position}.{ext}`: the seed's storage layout."""
    ext = posixpath.splitext(filename)[1].lower() or ".jpg"
    return f"{image.line_item.order_id}/{image.line_item_id}/image_{image.position}{ext}"


def preview_upload_to(image: Image, filename: str) -> str:
    return f"{image.line_item.order_id}/{image.line_item_id}/preview/image_{image.position}.jpg"


class Image(models.Model):
    line_item = models.ForeignKey(
        LineItem, on_delete=models.CASCADE, related_name="images", verbose_name="položka"
    )
    position = models.PositiveIntegerField("pořadí")
    original_url = models.URLField("původní URL", max_length=2048, blank=True)
    file = models.FileField("soubor", upload_to=image_upload_to, max_length=500, blank=True)
    preview = models.FileField("náhled", upload_to=preview_upload_to, max_length=500, blank=True)
    content_type = models.CharField("typ obsahu", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("velikost (B)", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    width = models.PositiveIntegerField("šířka", null=True, blank=True)
    height = models.PositiveIntegerField("výška", null=True, blank=True)
    downloaded_at = models.DateTimeField("staženo", null=True, blank=True)
    download_error = models.TextField("chyba stahování", blank=True)
    # Intake findings about this photo (`orders.intake`) and its perceptual hash (hex),
    # compared within the book for near-duplicates.
    intake_findings = models.JSONField("nálezy kontroly", default=list, blank=True)
    phash = models.CharField("perceptuální otisk", max_length=32, blank=True)

    class Meta:
        verbose_name = "fotka"
        verbose_name_plural = "fotky"
        ordering = ["line_item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["line_item", "position"], name="uq_image_position"),
        ]

    def __str__(self) -> str:
        return f"Fotka {self.position}"

    @property
    def is_downloaded(self) -> bool:
        return bool(self.file) and self.downloaded_at is not None


class OrderEvent(models.Model):
    """The order's history: who or what changed the order or one of its photos, and how.

    A change of the order's status is also kept as data (`from_status` → `to_status`,
    with `note`), so that steps can be shown, filtered and undone; other events (a
    version finished, a sync was asked for) carry only their `message`.
    """

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name="objednávka"
    )
    created_at = models.DateTimeField("čas", default=timezone.now, db_index=True)
    actor = models.CharField("kdo", max_length=150)
    message = models.TextField("co")
    from_status = models.CharField("z", max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField("na", max_length=20, choices=Order.Status.choices, blank=True)
    note = models.TextField("poznámka", blank=True)

    class Meta:
        verbose_name = "událost"
        verbose_name_plural = "události"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # "When did this order last enter status X" (the lifecycle's steps and undo).
            models.Index(fields=["order", "to_status", "-created_at"], name="order_event_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.message}"

    @property
    def is_transition(self) -> bool:
        return bool(self.to_status)


class ManualOrderSequence(models.Model):
    """The one counter behind manual order numbers (`#M1000`, `#M1001`, …).

    A row locked while a manual order is created, rather than a database sequence: it
    behaves the same on SQLite and PostgreSQL, and because the number is taken inside
    the transaction that creates the order, a failed creation gives its number back
    (numbers stay gapless).
    """

    next_value = models.PositiveIntegerField("další číslo", default=1000)

    class Meta:
        verbose_name = "číselná řada ručních objednávek"
        verbose_name_plural = "číselné řady ručních objednávek"

    def __str__(self) -> str:
        return f"#M{self.next_value}"


def draft_photo_upload_to(photo: DraftPhoto, filename: str) -> str:
    ext = posixpath.splitext(filename)[1].lower() or ".jpg"
    return f"drafts/{photo.draft}/{photo.token}{ext}"


def draft_preview_upload_to(photo: DraftPhoto, filename: str) -> str:
    return f"drafts/{photo.draft}/{photo.token}-preview.jpg"


class DraftPhoto(models.Model):
    """A photo staff uploaded for a manual order that does not exist yet.

    The "Nová objednávka" form keeps what it accepted here (in the shared storage, so
    any web process can finish the order), so a photo need not be chosen again when
    something else in the form was wrong. Becomes an `Image` when the order is created;
    left-over drafts are deleted after MANUAL_DRAFT_HOURS.
    """

    draft = models.UUIDField("koncept", db_index=True)
    token = models.CharField("klíč", max_length=32, unique=True)
    name = models.CharField("název souboru", max_length=255)
    file = models.FileField("soubor", upload_to=draft_photo_upload_to, max_length=500)
    preview = models.FileField("náhled", upload_to=draft_preview_upload_to, max_length=500)
    content_type = models.CharField("typ obsahu", max_length=100)
    size = models.PositiveBigIntegerField("velikost (B)")
    sha256 = models.CharField("SHA-256", max_length=64)
    width = models.PositiveIntegerField("šířka")
    height = models.PositiveIntegerField("výška")
    created_at = models.DateTimeField("nahráno", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "nahraná fotka (koncept)"
        verbose_name_plural = "nahrané fotky (koncepty)"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
