"""In a real browser: the operators' dashboard shows its figures and chart under the
Content-Security-Policy, and axe-core finds no serious violation on it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_board_pages import no_serious_violations
from tests.browser.test_csp import RECORD_VIOLATIONS, Watch
from tests.factories import ColoringVersionFactory, ImageFactory, OrderFactory
from tests.live import DaphneServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_an_operator_reads_the_dashboard(
    server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    order = OrderFactory(created_at=timezone.now())
    image = ImageFactory(line_item__order=order, downloaded=True)
    ColoringVersionFactory(
        image=image, version=1, status="completed", cost=Decimal("0.0876"), verdict="approved"
    )
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    watch = Watch(page)

    log_in(page, server.url, "/orders/")
    page.get_by_role("link", name="Přehled").click()

    expect(page.get_by_role("heading", name="Přehled za posledních 30 dní")).to_be_visible()
    expect(page.locator(".figures")).to_contain_text("100,0 %")
    chart = page.get_by_role("img", name="Náklady objednávek po dnech přijetí, posledních 30 dní")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar")).to_have_count(30)
    screenshot(page, "dashboard")
    watch.assert_clean(page)
    no_serious_violations(page)
