"""In a real browser: a held order's page shows its findings, copies a customer e-mail
draft to the clipboard (announcing "Zkopírováno"), records "E-mail odeslán", and
axe-core finds no serious violation on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from orders.models import Order
from tests.browser.conftest import downloaded_photo, log_in, screenshot, wait_for_socket
from tests.browser.test_board_pages import no_serious_violations
from tests.factories import LineItemFactory, OrderFactory
from tests.holds_helpers import tiny
from tests.live import DaphneServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_an_operator_copies_a_draft_and_records_the_email(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    order = OrderFactory(order_number="#1270", intake_held=True, intake_checked_at=timezone.now())
    item = LineItemFactory(order=order, position=1)
    image = downloaded_photo(line_item=item, position=1)
    image.intake_findings = [tiny()]
    image.save(update_fields=["intake_findings"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    log_in(page, server.url, f"/orders/{order.number}/")
    wait_for_socket(page)

    expect(page.locator(f"#findings-{image.pk}")).to_contain_text("Příliš malá fotka")
    panel = page.locator("#intake")
    expect(panel).to_contain_text("Zadrženo")
    draft = panel.locator("article.draft")
    draft.get_by_role("button", name="Kopírovat text e-mailu").click()
    expect(draft.get_by_role("status")).to_have_text("Zkopírováno")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("Dobrý den, Jana Nováková,")
    assert "fotka č. 1 (320×240 px)" in copied
    screenshot(page, "order-held")
    no_serious_violations(page)

    panel.get_by_role("button", name="E-mail odeslán").click()

    expect(page.locator("#banner")).to_contain_text("Zaznamenáno: e-mail zákazníkovi odeslán.")
    expect(page.locator("#intake")).to_contain_text("E-mail zákazníkovi odeslán")
    order.refresh_from_db()
    assert order.hold_email_sent_by == "user:pracovnice"
    assert Order.objects.get(pk=order.pk).hold_waiting
