"""In a real browser: every page works under its Content-Security-Policy, with no violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shopify_sync.models import ShopifyWebhookEvent
from tests.browser.conftest import downloaded_photo, log_in, wait_for_socket
from tests.live import DaphneServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]
# Each page's violations as the browser reports them to the page itself.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
));
"""


class Watch:
    """What the browser says about the policy: console messages and page errors."""

    def __init__(self, page: Page) -> None:
        self.console: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def assert_clean(self, page: Page) -> None:
        assert page.evaluate("window.__violations") == [], page.url
        assert [text for text in self.console if "Content Security Policy" in text] == []
        assert self.errors == []


def test_staff_pages_and_admin_work_under_the_policy(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    image = downloaded_photo()
    staff.is_superuser = True
    staff.save()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    watch = Watch(page)

    log_in(page, server.url, "/orders/")
    expect(page.locator("#order-table")).to_contain_text("#1270")
    wait_for_socket(page)  # connect-src 'self' lets the WebSocket to this host through
    watch.assert_clean(page)

    page.goto(f"{server.url}/orders/1270/")
    wait_for_socket(page)
    page.get_by_role("button", name="Vygenerovat jednotlivé omalovánky").click()
    banner = page.locator("#banner .banner")
    expect(banner).to_contain_text("Generování omalovánek zahájeno")
    banner.get_by_role("button", name="Zavřít").click()  # static/js/live.js, not onclick=""
    expect(banner).to_have_count(0)
    # Coloured by the worker, pushed over the WebSocket: the live update still arrives.
    chip = page.locator(f"#image-{image.pk} .panel.coloring .chip.selected")
    expect(chip).to_contain_text("Dokončeno")
    watch.assert_clean(page)

    order = image.line_item.order
    event = ShopifyWebhookEvent.objects.create(webhook_id="wh-1", topic="orders/create", payload={})
    for path in (
        "/admin/",
        "/admin/orders/order/",
        f"/admin/orders/order/{order.pk}/change/",
        f"/admin/orders/image/{image.pk}/change/",
        f"/admin/shopify_sync/shopifywebhookevent/{event.pk}/change/",
    ):
        page.goto(f"{server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
        watch.assert_clean(page)

    page.goto(f"{server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    watch.assert_clean(page)
