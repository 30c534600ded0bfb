"""The customer e-mail drafts of a held order (orders.hold_emails): one per case, in
Czech, addressed and numbered, naming the photos concerned with correct plurals."""

from __future__ import annotations

from typing import Any

import pytest

from orders.hold_emails import EmailDraft
from orders.holds import intake_panel
from orders.intake import EmailCase, finding
from orders.models import Order
from tests import factories
from tests.holds_helpers import blurred, held_order, photo, tiny

pytestmark = pytest.mark.django_db


def drafts(order: Order) -> dict[str, EmailDraft]:
    return {draft.case: draft for draft in intake_panel(order=order).drafts}


def test_each_case_present_gets_one_draft_in_the_declared_order() -> None:
    order = held_order(
        photos=4,
        book_findings=[finding("missing_photos", count=4, expected=8), finding("no_consent")],
        photo_findings={
            1: [finding("unreadable")],
            2: [tiny()],
            3: [tiny(), blurred()],
            4: [finding("duplicate", other=1)],
        },
    )

    found = intake_panel(order=order).drafts

    assert [draft.case for draft in found] == list(EmailCase)
    for draft in found:
        assert draft.to == order.customer_email
        assert draft.subject.startswith("Objednávka #1270: ")
        assert draft.body.startswith(
            "Dobrý den, Jana Nováková,\n\nděkujeme za Vaši objednávku #1270."
        )
        assert draft.body.endswith("S pozdravem\ntým Fotomalovánky.cz")


def test_warnings_alone_call_for_no_email() -> None:
    order = held_order(photo_findings={1: [blurred()], 2: [finding("near_duplicate", other=1)]})
    assert drafts(order) == {}


def test_an_order_not_waiting_on_its_hold_gets_no_drafts() -> None:
    order = held_order(hold_confirmed_at="2026-03-10T12:00:00Z", hold_confirmed_by="user:x")
    assert drafts(order) == {}


@pytest.mark.parametrize(
    ("count", "expected", "subject", "line"),
    [
        (
            7,
            8,
            "chybí nám 1 fotka",
            "potřebuje 8 fotek, od Vás jsme dostali jen 7 fotek, takže chybí 1 fotka.",
        ),
        (5, 8, "chybí nám 3 fotky", "dostali jen 5 fotek, takže chybí 3 fotky."),
        (1, 4, "chybí nám 3 fotky", "potřebuje 4 fotky, od Vás jsme dostali jen 1 fotku,"),
        (0, 2, "chybí nám 2 fotky", "potřebuje 2 fotky, od Vás jsme dostali zatím žádnou fotku,"),
        (3, 8, "chybí nám 5 fotek", "takže chybí 5 fotek."),
    ],
)
def test_the_missing_photos_draft_counts_in_czech(
    count: int, expected: int, subject: str, line: str
) -> None:
    missing = finding("missing_photos", count=count, expected=expected)
    order = held_order(photos=count, book_findings=[missing], photo_findings={})

    draft = drafts(order)[EmailCase.MISSING]

    assert draft.subject == f"Objednávka #1270: {subject}"
    assert line in draft.body
    assert "„Omalovánka z vlastních fotek“" in draft.body


@pytest.mark.parametrize(
    ("positions", "named", "these"),
    [
        ([2], "otevřít fotku č. 2.", "tuto fotku"),
        ([1, 3], "otevřít fotky č. 1 a 3.", "tyto fotky"),
        ([1, 2, 3, 5, 6], "otevřít fotky č. 1, 2, 3, 5 a 6.", "tyto fotky"),
    ],
)
def test_the_unreadable_draft_names_the_photos(
    positions: list[int], named: str, these: str
) -> None:
    order = held_order(photos=6, photo_findings={p: [finding("unreadable")] for p in positions})

    draft = drafts(order)[EmailCase.UNREADABLE]

    assert named in draft.body
    assert f"Pošlete nám prosím {these} znovu" in draft.body


def test_the_low_quality_draft_lists_each_photo_with_its_size_and_agrees_in_number() -> None:
    one = drafts(held_order(number="#1", photo_findings={2: [tiny()]}))[EmailCase.LOW_QUALITY]
    two = drafts(held_order(number="#2", photo_findings={1: [tiny()], 3: [tiny()]}))[
        EmailCase.LOW_QUALITY
    ]

    assert one.subject == "Objednávka #1: fotka má nízké rozlišení"
    assert "Tato fotka má na tisk příliš nízké rozlišení" in one.body
    assert "- fotka č. 2 (320×240 px)" in one.body
    assert "pošlete nám ji prosím" in one.body
    assert two.subject == "Objednávka #2: fotky mají nízké rozlišení"
    assert "- fotka č. 1 (320×240 px)\n- fotka č. 3 (320×240 px)" in two.body
    assert "pošlete nám je prosím" in two.body


def test_the_duplicate_draft_pairs_each_photo_with_the_one_it_repeats() -> None:
    order = held_order(photos=4, photo_findings={3: [finding("duplicate", other=1)]})

    draft = drafts(order)[EmailCase.DUPLICATE]

    assert "- fotka č. 3 je stejná jako fotka č. 1" in draft.body
    assert "poslat jinou fotku, pošlete nám ji prosím" in draft.body


def test_photos_of_an_order_of_several_books_are_named_with_their_book() -> None:
    order = held_order(photo_findings={2: [finding("unreadable")]})
    second = factories.LineItemFactory(order=order, position=2, title="Druhá kniha")
    photo(second, 1, [finding("unreadable")])

    draft = drafts(order)[EmailCase.UNREADABLE]

    assert "otevřít fotky č. 2 v knize 1 a č. 1 v knize 2." in draft.body


def test_the_consent_draft_asks_for_the_consent() -> None:
    order = held_order(book_findings=[finding("no_consent")], photo_findings={})
    draft = drafts(order)[EmailCase.CONSENT]
    assert "chybí Váš souhlas se zpracováním fotek" in draft.body


@pytest.mark.parametrize("fields", [{"customer_name": ""}])
def test_a_customer_without_a_name_is_greeted_plainly(fields: dict[str, Any]) -> None:
    order = held_order(**fields)
    assert drafts(order)[EmailCase.LOW_QUALITY].body.startswith("Dobrý den,\n\nděkujeme")


def test_a_finding_with_missing_params_still_makes_a_draft() -> None:
    order = held_order(
        book_findings=[finding("missing_photos")], photo_findings={1: [finding("tiny")]}
    )

    found = drafts(order)

    assert "některé fotky chybí" in found[EmailCase.MISSING].body
    assert "- fotka č. 1 (?×? px)" in found[EmailCase.LOW_QUALITY].body
