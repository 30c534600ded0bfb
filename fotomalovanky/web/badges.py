"""Coloured status badges, shared by the admin and the staff pages.

Colours follow the old front end: gray waiting, blue running here, yellow waiting on
a remote service, green done, red failed.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from orders.models import PAYMENT_STATUS_LABELS, Order
from processing.models import ColoringStatus, ColoringVersion, SvgStatus, Verdict, VersionStatus

# Keyed by value: an order's `status` is the stored string.
ORDER_STATUS_COLORS: dict[str, str] = {
    Order.Status.PENDING: "gray",
    Order.Status.DOWNLOADING: "blue",
    Order.Status.PROCESSING: "yellow",
    Order.Status.READY_FOR_REVIEW: "green",
    Order.Status.ERROR: "red",
}

PAYMENT_STATUS_COLORS = {
    "PENDING": "yellow",
    "AUTHORIZED": "blue",
    "PARTIALLY_PAID": "orange",
    "PAID": "green",
    "PARTIALLY_REFUNDED": "purple",
    "REFUNDED": "gray",
    "VOIDED": "red",
    "EXPIRED": "gray",
}

VERSION_STATUS_COLORS: dict[str, str] = {
    VersionStatus.PENDING: "gray",
    VersionStatus.QUEUED: "blue",
    VersionStatus.PROCESSING: "blue",
    ColoringStatus.RUNPOD_SUBMITTING: "blue",
    ColoringStatus.RUNPOD_SUBMITTED: "blue",
    ColoringStatus.RUNPOD_QUEUED: "yellow",
    ColoringStatus.RUNPOD_PROCESSING: "yellow",
    SvgStatus.VECTORIZER_PROCESSING: "yellow",
    VersionStatus.COMPLETED: "green",
    VersionStatus.ERROR: "red",
}


def badge(label: str, color: str) -> SafeString:
    return format_html('<span class="badge badge-{}">{}</span>', color, label)


def order_status_badge(order: Order) -> SafeString:
    return badge(order.get_status_display(), ORDER_STATUS_COLORS.get(order.status, "gray"))


def payment_status_badge(payment_status: str) -> SafeString:
    if not payment_status:
        return format_html("{}", "—")
    label = PAYMENT_STATUS_LABELS.get(payment_status, payment_status)
    return badge(label, PAYMENT_STATUS_COLORS.get(payment_status, "gray"))


def version_status_badge(status: str, label: str) -> SafeString:
    return badge(label, VERSION_STATUS_COLORS.get(status, "gray"))


VERDICT_COLORS: dict[str, str] = {Verdict.APPROVED: "green", Verdict.REJECTED: "red"}


def verdict_badge(version: ColoringVersion) -> SafeString:
    """ "Schváleno" or "Zamítnuto: <reason>" on a judged page; nothing on any other."""
    if not version.verdict:
        return format_html("{}", "")
    label = version.get_verdict_display()
    if version.verdict == Verdict.REJECTED and version.reject_reason:
        label = f"{label}: {version.get_reject_reason_display()}"
    return badge(label, VERDICT_COLORS[version.verdict])
