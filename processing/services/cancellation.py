"""A cancelled order's work: what waits ends unpaid, what runs on RunPod is cancelled, and
nothing new starts.

Shopify's cancellation moves the order to `cancelled` (orders.services.lifecycle); once
that commits, `orders.signals.order_transitioned` reaches `order_cancelled_listen`,
which queues `order_work_stop` (a task: the RunPod calls never run inside the webhook's
transaction or a request). Work that slips past it (a submission already on its way)
is caught where each step claims its version or polls its job (`order_cancelled_stop`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from common.queueing import enqueue
from orders.models import Order
from processing.errors import ProcessingRuleError
from processing.kinds import VersionKind, kind_of, kinds

from .state import CANCELLED_MESSAGE, Version, version_fail

REFUSAL = "Objednávka je zrušená: nová práce se pro ni nespouští."


def order_cancelled_listen(sender: object, order_id: int, to_status: str, **kwargs: Any) -> None:
    """Receiver of `order_transitioned` (after commit): queue the stop of the order's work."""
    if to_status == Order.Status.CANCELLED:
        enqueue("processing.tasks.order_work_stop", order_id)


def order_active_check(status: str) -> None:
    """Raise ProcessingRuleError (Czech) when an order in `status` may start no new work."""
    if status == Order.Status.CANCELLED:
        raise ProcessingRuleError(REFUSAL)


def _running(kind: VersionKind[Any], order_id: int) -> QuerySet[Any]:
    return kind.versions().filter(
        **{f"{kind.order_path}_id": order_id, "status__in": kind.in_progress}
    )


def version_cancelled_stop(version: Version) -> bool:
    """End one version of a cancelled order: what still runs for it is stopped as its kind
    declares (a colouring's RunPod job is cancelled), then it fails with the reason."""
    kind = kind_of(version)
    if kind.abandon is not None:
        kind.abandon(version)
    return version_fail(version, CANCELLED_MESSAGE)


def order_work_stop(*, order_id: int) -> int:
    """End every version of a cancelled order that is still in progress. Idempotent.

    Returns how many were ended (0 when the order is not cancelled: nothing to stop).
    A one-call step already running (local filter, Vectorizer.ai, a book) is failed
    here too; its own completion then finds the row in `error` and stores nothing.
    """
    if not Order.objects.filter(pk=order_id, status=Order.Status.CANCELLED).exists():
        return 0
    stopped = 0
    for kind in kinds():
        for version in _running(kind, order_id):
            stopped += version_cancelled_stop(version)
    return stopped
