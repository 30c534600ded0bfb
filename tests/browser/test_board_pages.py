"""In a real browser: the order board at 1400 px and at a tablet's 820 px, and the order
detail at 820 px. Nothing is cut off, the full-screen icon buttons render and work, the
photo sits beside its colouring page, and axe-core finds no serious violation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from orders.models import Order
from tests.browser.conftest import downloaded_photo, log_in, screenshot, wait_for_socket
from tests.factories import ColoringVersionFactory, LineItemFactory, OrderFactory
from tests.live import DaphneServer
from tests.processing.conftest import completed_coloring

pytestmark = [pytest.mark.browser, pytest.mark.integration]
TABLET = {"width": 820, "height": 1180}


def no_horizontal_overflow(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in {widths[1]} px"


def no_serious_violations(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    serious = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def board_orders() -> Order:
    """Orders in many states, two of them with several books; returns one with a photo."""
    now = timezone.now()
    statuses = ["error", "ready_for_review", "approved", "printed", "sent", "pending"]
    for n, status in enumerate(statuses):
        order = OrderFactory(
            order_number=f"#{1300 + n}",
            status=status,
            customer_name="Bohuslava Přibyslavská-Nepomucká",
            customer_email=f"bohuslava.pribyslavska.{n}@velmi-dlouha-domena.example.cz",
            created_at=now - timedelta(days=n, hours=n),
        )
        for position in range(1, 3 if n % 2 else 2):
            LineItemFactory(
                order=order, position=position, quantity=n + 1, variant_title="Omalovánka / 8"
            )
    image = downloaded_photo()
    completed_coloring(image, is_selected=True)
    ColoringVersionFactory(image=image, version=2, status="error", error_message="RunPod: FAILED")
    return image.line_item.order


def test_the_board_at_1400_and_820_px_and_the_detail_at_820_px(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    order = board_orders()
    page = context.new_page()
    log_in(page, server.url, "/orders/")
    expect(page.locator("#order-table")).to_contain_text("kniha 2/2")
    expect(page.locator(".attention")).to_contain_text("Chyby")
    no_horizontal_overflow(page)
    screenshot(page, "board-1400")
    no_serious_violations(page)

    page.set_viewport_size(TABLET)
    page.reload()
    wait_for_socket(page)
    no_horizontal_overflow(page)
    row = page.locator(f"#order-{order.pk}")
    assert row.bounding_box()["width"] <= TABLET["width"]  # type: ignore[index]
    screenshot(page, "board-820")
    page.locator(".filter-chip", has_text="Chyby").click()
    expect(page).to_have_url(f"{server.url}/orders/?attention=errors")
    expect(page.locator("#order-rows tr")).to_have_count(1)  # #1300; #1270's v1 is completed

    page.goto(f"{server.url}/orders/{order.number}/")
    card = page.locator(".card").first
    expect(card.locator(".panel.coloring img")).to_be_visible()
    no_horizontal_overflow(page)
    photo = card.locator(":scope > .frame").bounding_box()
    colouring = card.locator(".tabs").bounding_box()
    assert photo and colouring
    assert colouring["x"] >= photo["x"] + photo["width"]  # beside it, not below
    assert colouring["y"] < photo["y"] + photo["height"]
    buttons = page.locator("button.expand")
    expect(buttons).to_have_count(2)
    for button in buttons.all():
        box = button.bounding_box()
        assert box and box["width"] >= 16 and box["height"] >= 16
        expect(button).to_have_attribute("aria-label", "Celá obrazovka")
    screenshot(page, "order-detail-820")
    no_serious_violations(page)

    first = buttons.first
    first.focus()
    outline = first.evaluate(
        "b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth"
    )
    assert outline == "solid 3px"
    page.keyboard.press("Enter")  # the icon button opens the picture full screen
    expect(page.locator("dialog#fullscreen")).to_be_visible()
    assert page.evaluate("document.querySelector('#fullscreen img').naturalWidth") > 0
    page.keyboard.press("Escape")
    expect(page.locator("dialog#fullscreen")).to_be_hidden()
    icon = page.locator(".panel.coloring button.expand svg").bounding_box()
    assert icon
    page.mouse.click(icon["x"] + icon["width"] / 2, icon["y"] + icon["height"] / 2)  # on the icon
    expect(page.locator("dialog#fullscreen")).to_be_visible()
    assert "Omalovánka v1" == page.locator("#fullscreen img").get_attribute("alt")
