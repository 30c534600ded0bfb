"""In a real browser, on a fresh database: the newcomer's path from the sample order through
colouring pages, SVGs and PDF books on the local backends, to a downloaded book."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect
from pypdf import PdfReader

from orders.models import Order
from tests.browser.conftest import log_in, screenshot
from tests.live import DaphneServer, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_the_sample_order_goes_from_colouring_to_a_downloaded_pdf_on_the_local_backends(
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
    # The sample photos are smaller than print size: the intake checks hold the order
    # until staff confirm "Generovat i tak", as for a customer's order. The check can
    # finish before the page's socket first opens, and live.js re-fetches only after a
    # reconnect, so the page is reloaded once the verdict is stored.
    wait_for(lambda: Order.objects.filter(intake_held=True).exists(), "the intake verdict")
    page.reload()
    confirm = page.get_by_role("button", name="Generovat i tak")
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.locator("#order-header")).to_contain_text("Potvrdil(a)")
    page.locator("#order-header").get_by_role(
        "button", name="Vygenerovat jednotlivé omalovánky"
    ).click()
    expect(progress).to_contain_text("Omalovánky: 6/6 hotovo", timeout=60_000)
    page.locator("#order-header").get_by_role("button", name="Vygenerovat SVG").click()
    expect(progress).to_contain_text("SVG: 6/6 hotovo", timeout=60_000)
    page.locator("#order-header").get_by_role("button", name="Vygenerovat PDF").click()
    books = page.get_by_role("link", name="Otevřít PDF v1")
    expect(books).to_have_count(2, timeout=60_000)
    screenshot(page, "sample-order-books")

    answer = page.request.get(server.url + (books.first.get_attribute("href") or ""))

    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert "M1000-1.pdf" in answer.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(answer.body()))
    assert len(reader.pages) == 2 * 4 + 4  # gallery: title, blank, 4 × (page, blank), blank, end
    assert "Aničku" in reader.pages[0].extract_text()
