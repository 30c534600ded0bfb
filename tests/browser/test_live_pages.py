"""In a real browser: log in, watch a webhook's order appear, colour a photo live."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from playwright.sync_api import BrowserContext, expect

from orders.services import order_status_set
from tests.browser.conftest import downloaded_photo, log_in, screenshot, wait_for_socket
from tests.factories import ColoringVersionFactory, ImageFactory
from tests.fakes.photos import FakePhotoHost
from tests.fakes.shopify import fixture, webhook_headers
from tests.live import DaphneServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]
SECRET = "test-webhook-secret"
# Every fragment the page's socket receives, to see the statuses a card passed through.
RECORD_MESSAGES = """
window.__messages = [];
document.addEventListener("htmx:wsAfterMessage", (e) => window.__messages.push(e.detail.message));
"""


def test_a_new_order_from_a_webhook_appears_in_the_list_without_a_reload(
    server: DaphneServer, staff: Any, context: BrowserContext, photo_host: FakePhotoHost
) -> None:
    page = context.new_page()
    log_in(page, server.url, "/orders/")
    expect(page.locator("#order-table")).to_contain_text("Žádné objednávky")
    wait_for_socket(page)
    page.evaluate("window.__sameDocument = true")

    body = json.dumps(fixture("webhook_order.json", photo_host.url_for("/photos"))).encode()
    answer = requests.post(
        f"{server.url}/api/v1/webhooks/shopify",
        data=body,
        timeout=10,
        headers=webhook_headers(body, secret=SECRET, webhook_id="wh-browser-1"),
    )

    assert answer.status_code == 200
    row = page.locator("#order-table tr", has_text="#1270")
    expect(row).to_contain_text("Anna Dvořáková")
    expect(row).to_contain_text("Ke kontrole")  # downloaded by the worker, updated live
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "order-list")


def test_colouring_a_photo_live_then_selecting_retrying_and_full_screen(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    image = downloaded_photo()
    ColoringVersionFactory(
        image=image, version=1, status="error", error_message="RunPod: FAILED (test)"
    )
    context.add_init_script(RECORD_MESSAGES)
    page = context.new_page()
    log_in(page, server.url, "/orders/1270/")
    card = page.locator(f"#image-{image.pk}")
    expect(card).to_contain_text("RunPod: FAILED (test)")
    wait_for_socket(page)
    page.evaluate("window.__sameDocument = true")

    card.get_by_role("button", name="Generovat omalovánku").click()

    expect(card.locator(".panel.coloring .chip.selected")).to_contain_text("v2")
    expect(card.locator(".panel.coloring .chip.selected")).to_contain_text("Dokončeno")
    pushed = " ".join(page.evaluate("window.__messages"))
    assert "Zpracovává se..." in pushed and "Dokončeno" in pushed

    card.get_by_role("button", name="↻ Zopakovat").click()
    select_v1 = card.locator('button.chip[title="Vybrat v1"]')
    expect(select_v1).to_contain_text("Dokončeno")  # retried, completed, not auto-selected
    select_v1.click()
    expect(card.locator(".panel.coloring .chip.selected")).to_contain_text("v1")

    screenshot(page, "order-detail")
    card.locator(".panel.coloring button.expand").click()
    dialog = page.locator("dialog#fullscreen")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('#fullscreen img').naturalWidth") > 0
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "order-detail-fullscreen")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_after_a_reconnect_the_page_shows_what_it_missed(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    order = ImageFactory(line_item__order__order_number="#1270").line_item.order
    page = context.new_page()
    log_in(page, server.url, "/orders/1270/")
    wait_for_socket(page)

    server.stop()  # the socket drops (1006); htmx keeps trying to reconnect
    page.wait_for_function("() => window.__socketOpen === false")
    order_status_set(order_id=order.pk, status="error", actor="test", message="Chybí fotka 2")
    server.start()  # the push above was lost; the reconnect must re-fetch

    expect(page.locator("#order-header")).to_contain_text("Chybí fotka 2")
    expect(page.locator("#order-header h1 .badge")).to_have_text("Chyba")
