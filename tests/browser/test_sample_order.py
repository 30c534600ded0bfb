"""In a real browser, on a fresh database: the newcomer's path from the sample order through
colouring pages and SVGs on the local backends (the PDF book follows from there)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import log_in, screenshot
from tests.live import DaphneServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_the_sample_order_goes_through_colouring_and_svg_on_the_local_backends(
    server: DaphneServer, staff: Any, context: BrowserContext, settings: Any
) -> None:
    settings.COLORING_BACKEND, settings.VECTORIZE_BACKEND = "local", "local"  # the worker's
    page = context.new_page()
    log_in(page, server.url, "/orders/")
    expect(page.locator("#order-table")).to_contain_text("Vytvořit ukázkovou objednávku")

    page.get_by_role("button", name="Vytvořit ukázkovou objednávku").click()

    page.wait_for_url(f"{server.url}/orders/M1000/")
    expect(page.locator("main")).to_contain_text("Ukázková objednávka #M1000 je připravená.")
    expect(page.locator("article.card")).to_have_count(6)
    progress = page.locator("#progress")
    page.locator("#order-header").get_by_role(
        "button", name="Vygenerovat jednotlivé omalovánky"
    ).click()
    expect(progress).to_contain_text("Omalovánky: 6/6 hotovo", timeout=60_000)
    page.locator("#order-header").get_by_role("button", name="Vygenerovat SVG").click()
    expect(progress).to_contain_text("SVG: 6/6 hotovo", timeout=60_000)
    screenshot(page, "sample-order-svg-done")
