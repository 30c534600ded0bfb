"""The book panel in a real browser: a refusal's reason is shown in place (htmx swaps no
4xx answer unless told to), then the confirmed book is built live by the worker."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import log_in, wait_for_socket
from tests.live import DaphneServer
from tests.processing.test_books import book_line_item

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_book_says_why_and_a_confirmed_one_is_built_live(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    line_item = book_line_item(2, variant_title="Omalovánka / 4")
    page = context.new_page()
    log_in(page, server.url, f"/orders/{line_item.order.number}/")
    panel = page.locator(f"#book-{line_item.pk}")
    wait_for_socket(page)

    panel.get_by_role("button", name="Vygenerovat PDF").click()
    expect(panel.get_by_role("alert")).to_contain_text("Položka má 2 fotky, varianta počítá s 4.")

    panel.get_by_label("Přesto vytvořit", exact=False).check()
    panel.get_by_role("button", name="Vygenerovat PDF").click()

    expect(panel).to_contain_text("neúplná kniha")
    expect(panel.get_by_role("link", name="Otevřít PDF v1")).to_be_visible()
