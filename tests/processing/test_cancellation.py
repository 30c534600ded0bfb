"""A cancelled order: its queued work ends unpaid, running RunPod jobs are cancelled, and
no new paid job starts for it, whoever asks.

The integration tests cancel while RunPod jobs run, once by the signed `orders/cancelled`
webhook and once by a sync that finds `cancelledAt`, with a real worker on real Redis.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from orders.models import Image, Order
from processing import services
from processing.errors import ProcessingRuleError
from processing.kinds import COLORING, RUNPOD_AWAITING
from processing.models import ColoringVersion
from processing.services.cancellation import REFUSAL
from processing.services.versions import version_create
from shopify_sync.services import order_sync_enqueue
from tests import factories
from tests.asgi import asgi_call
from tests.fakes.runpod import FakeRunPod
from tests.fakes.shopify import FakeShopify, fixture, order_node, webhook_headers
from tests.live import wait_for
from tests.processing.conftest import completed_coloring, downloaded_image

SHOPIFY_ID = 5_000_001_270
CANCELLED = "Objednávka byla zrušena."


def order_with_photos(count: int = 3) -> tuple[Order, list[Image]]:
    order = factories.OrderFactory(
        shopify_id=SHOPIFY_ID, order_number="#1270", status=Order.Status.READY_FOR_REVIEW
    )
    line_item = factories.LineItemFactory(order=order, position=1)
    images = [downloaded_image(line_item=line_item, position=n) for n in range(1, count + 1)]
    return order, images


def cancel_by_webhook(order: Order, shopify: FakeShopify) -> None:
    payload = {**fixture("webhook_order.json"), "id": SHOPIFY_ID}
    payload["cancelled_at"] = "2026-01-21T10:00:00+01:00"
    body = json.dumps(payload).encode()
    headers = webhook_headers(
        body, secret="test-webhook-secret", topic="orders/cancelled", webhook_id="wh-cancel"
    )
    assert (
        asgi_call("POST", "/api/v1/webhooks/shopify", body=body, headers=headers).status_code == 200
    )


def cancel_by_sync(order: Order, shopify: FakeShopify) -> None:
    shopify.add(order_node(1270, cancelled_at="2026-01-21T09:00:00Z", line_items=[]))
    order_sync_enqueue(order=order, actor="user:jana")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cancel", [cancel_by_webhook, cancel_by_sync])
def test_a_cancellation_while_runpod_jobs_run_cancels_them_and_ends_queued_work(
    cancel: Any, celery_worker: Any, runpod: FakeRunPod, shopify: FakeShopify, settings: Any
) -> None:
    settings.RUNPOD_POLL_INTERVAL = 0.05
    runpod.job_seconds = 600  # IN_PROGRESS for the whole test
    order, images = order_with_photos()
    running = [services.coloring_generate(image=i, actor="user:jana") for i in images[:2]]
    ids = [v.pk for v in running]
    wait_for(
        lambda: ColoringVersion.objects.filter(pk__in=ids, status__in=RUNPOD_AWAITING).count() == 2,
        "both RunPod jobs running",
    )
    queued = version_create(kind=COLORING, parent=images[2], backend="runpod")  # not submitted

    cancel(order, shopify)

    wait_for(lambda: len(runpod.cancels) == 2, "the running jobs cancelled")
    wait_for(lambda: not ColoringVersion.objects.exclude(status="error").exists(), "all work ended")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancelled_at is not None
    jobs = set(ColoringVersion.objects.filter(pk__in=ids).values_list("runpod_job_id", flat=True))
    assert set(runpod.cancels) == jobs
    queued.refresh_from_db()
    assert (queued.error_message, queued.runpod_job_id) == (CANCELLED, "")
    with pytest.raises(ProcessingRuleError, match="zrušená"):
        services.coloring_generate(image=images[2], actor="user:jana")
    services.processing_recover()
    assert runpod.run_calls == 2  # nothing was submitted after the cancellation


@pytest.mark.django_db
def test_a_queued_version_of_a_cancelled_order_is_never_submitted(runpod: FakeRunPod) -> None:
    order, images = order_with_photos(1)
    version = version_create(kind=COLORING, parent=images[0], backend="runpod")
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)

    assert services.coloring_runpod_submit(version_id=version.pk) == "skipped-error"

    version.refresh_from_db()
    assert (version.status, version.error_message, runpod.run_calls) == ("error", CANCELLED, 0)


@pytest.mark.django_db
def test_every_entry_point_that_starts_paid_work_refuses_a_cancelled_order() -> None:
    order, images = order_with_photos(1)
    coloring = completed_coloring(images[0])
    # A selected SVG: the book's own checks pass, only the cancellation refuses it.
    factories.SvgVersionFactory(coloring_version=coloring, status="completed", is_selected=True)
    failed = factories.ColoringVersionFactory(image=images[0], status="error")
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    order.refresh_from_db()
    line_item = order.line_items.get()
    attempts = [
        lambda: services.coloring_generate(image=images[0], actor="t"),
        lambda: services.svg_generate(image=images[0], actor="t"),
        lambda: services.order_coloring_generate(order=order, actor="t"),
        lambda: services.order_svg_generate(order=order, actor="t"),
        lambda: services.order_book_generate(order=order, actor="t"),
        lambda: services.book_generate(line_item=line_item, actor="t"),
        lambda: services.version_retry(image=images[0], version=failed, actor="t"),
    ]
    before = ColoringVersion.objects.count()
    for attempt in attempts:
        with pytest.raises(ProcessingRuleError) as refused:
            attempt()
        assert str(refused.value) == REFUSAL
    assert ColoringVersion.objects.count() == before and coloring.status == "completed"
