"""The webhook inbox: every accepted Shopify delivery, stored before it is acknowledged."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WebhookOutcome(models.TextChoices):
    PENDING = "pending", "Čeká na zpracování"
    PROCESSED = "processed", "Zpracováno"
    IGNORED = "ignored", "Ignorováno (jiné téma)"
    STALE = "stale", "Přeskočeno (starší než uložená data)"
    FAILED = "failed", "Chyba"


class ShopifyWebhookEvent(models.Model):
    Outcome = WebhookOutcome

    # Shopify's X-Shopify-Webhook-Id: the same delivery retried keeps its id, so a
    # unique constraint drops duplicates.
    webhook_id = models.CharField("ID doručení", max_length=100, unique=True)
    topic = models.CharField("téma", max_length=100)
    shop_domain = models.CharField("obchod", max_length=255, blank=True)
    api_version = models.CharField("verze API", max_length=20, blank=True)
    shopify_order_id = models.BigIntegerField("Shopify ID objednávky", null=True, blank=True)
    # `payload` is the body parsed, with what a JSON column cannot hold (NUL, lone
    # surrogates) replaced, or null when it is no JSON; `body` keeps the body exactly as
    # signed and sent whenever `payload` is not its faithful value (nothing is lost).
    body = models.BinaryField("tělo", default=b"")
    payload = models.JSONField("obsah", null=True)
    received_at = models.DateTimeField("přijato", default=timezone.now)
    processed_at = models.DateTimeField("zpracováno", null=True, blank=True)
    outcome = models.CharField(
        "výsledek", max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    error = models.TextField("chyba", blank=True)
    attempts = models.PositiveIntegerField("pokusy", default=0)
    # Set while a worker applies the delivery: a second worker (a drain, a retried task,
    # the sweep) leaves it alone until then; an expired claim means that worker died.
    claimed_until = models.DateTimeField("zpracovává se do", null=True, blank=True)

    class Meta:
        verbose_name = "Shopify webhook"
        verbose_name_plural = "Shopify webhooky"
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The sweep looks for deliveries still waiting, oldest first.
            models.Index(
                fields=["received_at"],
                condition=models.Q(outcome=WebhookOutcome.PENDING),
                name="webhook_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id}"


class ShopifyPoll(models.Model):
    """The scheduled import's state (`services.poll`): one row, `pk=1`.

    `watermark` is when the last complete poll started: the next asks Shopify for orders
    updated since then (minus an overlap). `claimed_until` keeps two polls from running
    at once (beat and a slow predecessor), and lapses when a worker dies mid-poll.
    """

    watermark = models.DateTimeField("importováno do", null=True, blank=True)
    last_run_at = models.DateTimeField("poslední import", null=True, blank=True)
    last_outcome = models.CharField("výsledek", max_length=255, blank=True)
    last_error = models.TextField("chyba", blank=True)
    claimed_until = models.DateTimeField("probíhá do", null=True, blank=True)

    class Meta:
        verbose_name = "plánovaný import ze Shopify"
        verbose_name_plural = "plánované importy ze Shopify"

    def __str__(self) -> str:
        return f"import do {self.watermark:%Y-%m-%d %H:%M}" if self.watermark else "bez importu"
