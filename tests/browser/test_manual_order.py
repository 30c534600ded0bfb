"""In a real browser: enter a manual order with two photos, one of them bad at first."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from orders.models import LAYOUT_FULLPAGE, Order
from tests.browser.conftest import log_in, screenshot
from tests.fakes.photos import PHOTOS
from tests.live import DaphneServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_a_bad_photo_is_named_nothing_typed_is_lost_and_the_fixed_order_opens(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    page = context.new_page()
    log_in(page, server.url, "/orders/")
    page.get_by_role("link", name="Nová objednávka").click()
    page.wait_for_url(f"{server.url}/orders/new/")
    page.evaluate("window.__sameDocument = true")

    page.fill("input[name=customer_name]", "Jana Nováková")
    page.fill("input[name=customer_email]", "jana@example.cz")
    page.fill("input[name=items-0-variant_title]", "Omalovánka z vlastních fotek / 2")
    page.fill("textarea[name=items-0-dedication]", "Pro Aničku, s láskou")
    page.select_option("select[name=items-0-layout]", LAYOUT_FULLPAGE)
    page.fill("input[name=items-0-quantity]", "3")
    good = {
        "name": "chelsea.jpg",
        "mimeType": "image/jpeg",
        "buffer": (PHOTOS / "chelsea.jpg").read_bytes(),
    }
    bad = {"name": "dovolena.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not a photo"}
    page.set_input_files("input[name=items-0-uploads]", [good, bad])  # type: ignore[list-item]
    page.get_by_role("button", name="Vytvořit objednávku").click()

    form = page.locator("#manual-form")
    expect(form).to_contain_text("„dovolena.pdf“: Soubor není obrázek")
    expect(form).to_contain_text("znovu je vybírat nemusíte")
    kept = form.locator("figure.kept")
    expect(kept).to_have_count(1)
    expect(kept).to_contain_text("chelsea.jpg")
    page.wait_for_function("() => document.querySelector('figure.kept img').naturalWidth > 0")
    expect(page.locator("input[name=customer_name]")).to_have_value("Jana Nováková")
    expect(page.locator("input[name=items-0-variant_title]")).to_have_value(
        "Omalovánka z vlastních fotek / 2"
    )
    expect(page.locator("textarea[name=items-0-dedication]")).to_have_value("Pro Aničku, s láskou")
    expect(page.locator("select[name=items-0-layout]")).to_have_value(LAYOUT_FULLPAGE)
    expect(page.locator("input[name=items-0-quantity]")).to_have_value("3")
    assert page.evaluate("window.__sameDocument") is True  # htmx swapped the form only
    assert not Order.objects.exists()
    screenshot(page, "manual-order-refused")

    # The other buttons post the form too (htmx sends which one was clicked).
    page.get_by_role("button", name="+ Přidat položku").click()
    expect(page.locator("fieldset.manual-line")).to_have_count(2)
    expect(kept).to_have_count(1)
    page.locator("#line-1").get_by_role("button", name="Odebrat položku").click()
    expect(page.locator("fieldset.manual-line")).to_have_count(1)
    expect(page.locator("input[name=customer_name]")).to_have_value("Jana Nováková")
    assert not Order.objects.exists()

    page.set_input_files("input[name=items-0-uploads]", str(PHOTOS / "coffee.jpg"))
    page.get_by_role("button", name="Vytvořit objednávku").click()

    page.wait_for_url(f"{server.url}/orders/M1000/")
    expect(page.locator("#order-header h1")).to_contain_text("#M1000")
    expect(page.locator("main")).to_contain_text("Ruční objednávka #M1000 vytvořena.")
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.get_by_role("button", name="Stáhnout ze Shopify")).to_have_count(0)
    item = Order.objects.get().line_items.get()
    assert (item.quantity, item.layout, item.images.count()) == (3, LAYOUT_FULLPAGE, 2)
    screenshot(page, "manual-order-created")
