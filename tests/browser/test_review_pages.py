"""The review workspace in a real browser, by keyboard only: three pages approved with A,
one rejected with R and a reason's key; the redo at +1 step appears live (in a second
tab too), the progress reads 3/4; screenshots at 1400 and 820 px; axe-core finds no
serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from orders.models import LineItem, Order
from processing.models import ColoringVersion
from tests.browser.conftest import downloaded_photo, log_in, screenshot, wait_for_socket
from tests.factories import SvgVersionFactory
from tests.lifecycle_helpers import book_of
from tests.live import DaphneServer
from tests.processing.conftest import completed_coloring

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def four_photos() -> list[ColoringVersion]:
    """Order #1270 with four downloaded photos, each with a completed, selected page."""
    first = downloaded_photo(
        line_item__order__order_number="#1270",
        line_item__order__status=Order.Status.READY_FOR_REVIEW,
        position=1,
    )
    images = [first] + [
        downloaded_photo(line_item=first.line_item, position=p) for p in range(2, 5)
    ]
    return [completed_coloring(image, is_selected=True) for image in images]


def shown(page: Page) -> Any:
    return page.locator(".review-photo:visible")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    violations = Axe().run(page).response["violations"]
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_an_operator_reviews_four_pages_by_keyboard_and_the_redo_appears_live(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    pages = four_photos()
    other_tab = context.new_page()
    log_in(other_tab, server.url, "/orders/1270/review/")
    page = context.new_page()
    page.goto(f"{server.url}/orders/1270/review/")
    wait_for_socket(page)
    wait_for_socket(other_tab)
    progress = page.locator("#review-progress")
    expect(progress).to_have_text("0/4 schváleno")
    expect(shown(page)).to_have_count(1)
    assert serious_violations(page) == []

    for done in range(1, 4):
        expect(shown(page).locator("h2")).to_contain_text(f"Fotka {done}")
        page.keyboard.press("a")
        expect(progress).to_have_text(f"{done}/4 schváleno")

    expect(shown(page).locator("h2")).to_contain_text("Fotka 4")
    page.keyboard.press("ArrowLeft")  # the arrows move between photos, and back
    expect(shown(page).locator("h2")).not_to_contain_text("Fotka 4")
    page.keyboard.press("ArrowRight")
    expect(shown(page).locator("h2")).to_contain_text("Fotka 4")
    page.keyboard.press("r")
    reasons = shown(page).locator("fieldset")
    expect(reasons).to_be_visible()
    expect(reasons.get_by_role("button", name="1 Obličej nepodobný")).to_be_focused()
    page.keyboard.press("Escape")
    expect(reasons).to_be_hidden()
    page.keyboard.press("r")
    assert serious_violations(page) == []  # with the reasons open, too
    page.keyboard.press("6")

    panel = page.locator(f"#review-photo-{pages[3].image_id}")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Zamítnuto: Ořez")
    # The worker makes the redo; its panel is pushed: v2 at 5 steps, awaiting a verdict.
    expect(panel.locator("figcaption").nth(1)).to_contain_text("Omalovánka v2 · 5 kroků")
    expect(panel.locator("h2")).to_contain_text("Ke kontrole")
    expect(panel).to_contain_text("Kroky 5 z 20")
    expect(progress).to_have_text("3/4 schváleno")
    assert ColoringVersion.objects.get(image=pages[3].image, version=2).steps == 5

    expect(other_tab.locator("#review-progress")).to_have_text("3/4 schváleno")
    other_tab.keyboard.press("ArrowLeft")  # from photo 1 to photo 4, first in the list now
    expect(other_tab.locator(".review-photo:visible")).to_contain_text("Omalovánka v2 · 5 kroků")

    screenshot(page, "review-1400")
    page.set_viewport_size({"width": 820, "height": 1180})
    expect(panel).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, f"the workspace is cut off at 820 px ({width} px wide)"
    screenshot(page, "review-820")
    assert serious_violations(page) == []

    # The redo is approved too; with a current book the operator approves the order.
    page.set_viewport_size({"width": 1400, "height": 1000})
    expect(shown(page)).to_contain_text("Omalovánka v2 · 5 kroků")
    page.keyboard.press("a")
    expect(progress).to_have_text("4/4 schváleno")
    book_current_for(pages[0].image.line_item)
    page.get_by_role("button", name="Schválit objednávku").press("Enter")
    expect(page).to_have_url(f"{server.url}/orders/1270/")
    expect(page.locator("#lifecycle")).to_contain_text("Stav: Schváleno")
    assert Order.objects.get(order_number="#1270").status == Order.Status.APPROVED


def book_current_for(line_item: LineItem) -> None:
    """Each photo's selected page traced to a selected SVG, and a book built from them:
    what "Vygenerovat SVG" and "Vygenerovat PDF" would leave (covered by their own tests)."""
    sources = []
    for image in line_item.images.order_by("position"):
        page = ColoringVersion.objects.get(image=image, is_selected=True)
        svg = SvgVersionFactory(
            image=image, coloring_version=page, status="completed", is_selected=True
        )
        sources.append(svg.pk)
    book_of(line_item, sources=sources)
