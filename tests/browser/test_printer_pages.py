"""A printer's day in a real browser: they see only approved orders, download the book
and mark it printed, while the operator's open order list shows the change live."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from playwright.sync_api import BrowserContext, Page, expect

from fotomalovanky.permissions import ROLE_GROUPS, Role
from orders.models import Order
from processing.models import BookVersion
from tests.browser.conftest import PASSWORD, log_in, screenshot, wait_for_socket
from tests.lifecycle_helpers import order_with_book
from tests.live import DaphneServer
from tests.processing.books import rendered_book

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def printer(transactional_db: None) -> User:
    user = User.objects.create_user(username="tiskar", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role.PRINTER]))
    return user


def printer_log_in(page: Page, server: str) -> None:
    page.goto(f"{server}/orders/")
    page.fill("#id_username", "tiskar")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server}/orders/")


def approved_order_with_pdf() -> Order:
    order = order_with_book(Order.Status.APPROVED, order_number="#1271")
    book = BookVersion.objects.get(line_item__order=order)
    book.file.save("book.pdf", ContentFile(rendered_book("gallery", 1).pdf), save=True)
    return order


def test_a_printer_sees_approved_orders_downloads_the_pdf_and_marks_it_printed_live(
    server: DaphneServer, staff: Any, printer: User, context: BrowserContext, browser: Any
) -> None:
    order_with_book(Order.Status.READY_FOR_REVIEW, order_number="#1270")
    approved = approved_order_with_pdf()
    operator = context.new_page()
    log_in(operator, server.url, "/orders/")
    wait_for_socket(operator)
    operator_row = operator.locator("tr", has_text="#1271")
    expect(operator_row).to_contain_text("Schváleno")

    printer_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    printer_context.set_default_timeout(20_000)
    page = printer_context.new_page()
    printer_log_in(page, server.url)
    expect(page.locator("main")).to_contain_text("#1271")
    expect(page.locator("main")).not_to_contain_text("#1270")
    screenshot(page, "printer-board")

    page.get_by_role("link", name="#1271").first.click()
    pdf_link = page.get_by_role("link", name="Otevřít PDF v1")
    pdf = page.request.get(server.url + (pdf_link.get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert not page.get_by_role("button", name="Vygenerovat jednotlivé omalovánky").count()

    page.get_by_role("button", name="Označit jako vytištěné").click()
    expect(page.locator("#lifecycle")).to_contain_text("Stav: Vytištěno")
    expect(operator_row).to_contain_text("Vytištěno")
    assert Order.objects.get(pk=approved.pk).status == Order.Status.PRINTED
    printer_context.close()
