"""The intake check of an order's stored photos (processing.services.intake), on the DB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from orders.intake import finding_label
from orders.models import Image, LineItem, Order, OrderEvent
from orders.signals import intake_checked
from processing import services
from processing.services.intake import order_intake_check
from tests import factories
from tests.processing.conftest import photo
from tests.processing.intake_images import (
    blurred,
    book,
    dark,
    jpeg,
    near_copy,
    scene,
    stored_photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced() -> Iterator[list[dict[str, Any]]]:
    """What `intake_checked` announced, in order."""
    sent: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        sent.append({"order_id": kwargs["order_id"], "held": kwargs["held"]})

    intake_checked.connect(listen, dispatch_uid="test-intake-announced")
    yield sent
    intake_checked.disconnect(dispatch_uid="test-intake-announced")


def check(order_id: int, callbacks_fixture: Any) -> str:
    with callbacks_fixture(execute=True):
        return order_intake_check(order_id=order_id)


def findings_of(line_item: LineItem) -> list[list[str]]:
    return [
        [f["code"] for f in image.intake_findings]
        for image in line_item.images.order_by("position")
    ]


def test_a_clean_order_is_checked_clear_and_announced(
    django_capture_on_commit_callbacks: Any, announced: list[dict[str, Any]]
) -> None:
    item = book([jpeg(scene(1)), photo("coffee-12mp.jpg")], variant="A4 / 2")

    outcome = check(item.order_id, django_capture_on_commit_callbacks)

    order = Order.objects.get(pk=item.order_id)
    assert outcome == "clear"
    assert order.intake_checked_at is not None
    assert (order.intake_held, order.intake_clear) == (False, True)
    assert findings_of(item) == [[], []]
    assert all(len(image.phash) == 16 for image in item.images.all())
    assert announced == [{"order_id": order.pk, "held": False}]
    assert order.events.get().message == "Kontrola fotek: v pořádku"


def test_a_tiny_photo_holds_the_order_with_its_size_named(
    django_capture_on_commit_callbacks: Any, announced: list[dict[str, Any]]
) -> None:
    item = book([jpeg(scene(1)), jpeg(scene(2, size=(400, 300)))])

    assert check(item.order_id, django_capture_on_commit_callbacks) == "held"

    order = Order.objects.get(pk=item.order_id)
    assert (order.intake_held, order.intake_clear) == (True, False)
    tiny = Image.objects.get(line_item=item, position=2).intake_findings
    assert [finding_label(f) for f in tiny] == ["Příliš malá fotka (400×300 px)"]
    assert announced == [{"order_id": order.pk, "held": True}]
    assert order.events.get().message == (
        "Kontrola fotek: zadrženo – položka 1, fotka 2: Příliš malá fotka (400×300 px)"
    )


def test_warnings_inform_but_do_not_hold(django_capture_on_commit_callbacks: Any) -> None:
    item = book([jpeg(blurred(scene(1))), jpeg(dark(scene(2)))])

    assert check(item.order_id, django_capture_on_commit_callbacks) == "clear"

    assert findings_of(item) == [["blurred"], ["too_dark"]]
    order = Order.objects.get(pk=item.order_id)
    assert order.intake_clear
    assert order.events.get().message == "Kontrola fotek: v pořádku, upozornění: 2"


def test_a_failed_download_is_unreadable_with_its_reason(
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = book([jpeg(scene(1))])
    factories.ImageFactory(line_item=item, position=2, download_error="HTTP 404")

    assert check(item.order_id, django_capture_on_commit_callbacks) == "held"

    failed = Image.objects.get(line_item=item, position=2)
    assert failed.intake_findings == [{"code": "unreadable", "reason": "HTTP 404"}]
    assert failed.phash == ""


@pytest.mark.parametrize("name", ["truncated.jpg", "not-an-image.jpg"])
def test_a_stored_file_that_cannot_be_decoded_is_unreadable(
    name: str, django_capture_on_commit_callbacks: Any
) -> None:
    item = book([photo(name)])

    assert check(item.order_id, django_capture_on_commit_callbacks) == "held"

    assert findings_of(item) == [["unreadable"]]


def test_a_stored_file_missing_from_the_storage_is_unreadable(
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = book([jpeg(scene(1))])
    image = item.images.get()
    image.file.storage.delete(image.file.name)

    assert check(item.order_id, django_capture_on_commit_callbacks) == "held"

    assert item.images.get().intake_findings[0]["reason"] == "Soubor fotky v úložišti chybí."


def test_the_same_bytes_twice_in_a_book_hold_the_later_photo_naming_the_earlier(
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = jpeg(scene(1))
    item = book([data, jpeg(scene(2)), data])

    assert check(item.order_id, django_capture_on_commit_callbacks) == "held"

    assert findings_of(item) == [[], [], ["duplicate"]]
    assert finding_label(Image.objects.get(line_item=item, position=3).intake_findings[0]) == (
        "Stejná fotka jako fotka 1"
    )


def test_the_same_photo_resized_and_recompressed_is_a_near_duplicate_warning(
    django_capture_on_commit_callbacks: Any,
) -> None:
    original = scene(1)
    item = book([jpeg(original), near_copy(original)])

    assert check(item.order_id, django_capture_on_commit_callbacks) == "clear"

    again = Image.objects.get(line_item=item, position=2).intake_findings
    assert again == [{"code": "near_duplicate", "other": 1}]
    assert finding_label(again[0]) == "Velmi podobná fotce 1"


def test_duplicates_are_looked_for_within_a_book_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = jpeg(scene(1))
    item = book([data])
    other = factories.LineItemFactory(order=item.order, position=2)
    stored_photo(other, 1, data)

    assert check(item.order_id, django_capture_on_commit_callbacks) == "clear"


def test_fewer_photos_than_the_variant_holds_and_more_warns(
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = book([jpeg(scene(1)), jpeg(scene(2))], variant="Kniha / 4")
    extra = factories.LineItemFactory(order=item.order, position=2, variant_title="Kniha / 1")
    stored_photo(extra, 1, jpeg(scene(3)))
    stored_photo(extra, 2, jpeg(scene(4)))

    assert check(item.order_id, django_capture_on_commit_callbacks) == "held"

    item.refresh_from_db()
    extra.refresh_from_db()
    assert [finding_label(f) for f in item.intake_findings] == ["Chybí fotky: 2 z 4"]
    assert [finding_label(f) for f in extra.intake_findings] == [
        "Fotek je víc, než produkt má: 2 z 1"
    ]


def test_a_variant_without_a_count_is_not_counted(django_capture_on_commit_callbacks: Any) -> None:
    item = book([jpeg(scene(1))], variant="Dárková krabička")

    assert check(item.order_id, django_capture_on_commit_callbacks) == "clear"


def test_a_second_run_on_the_same_photos_changes_nothing(
    django_capture_on_commit_callbacks: Any, announced: list[dict[str, Any]]
) -> None:
    item = book([jpeg(scene(1)), jpeg(scene(2, size=(400, 300)))])
    check(item.order_id, django_capture_on_commit_callbacks)
    checked_at = Order.objects.get(pk=item.order_id).intake_checked_at

    assert check(item.order_id, django_capture_on_commit_callbacks) == "unchanged"

    assert Order.objects.get(pk=item.order_id).intake_checked_at == checked_at
    assert OrderEvent.objects.filter(order_id=item.order_id).count() == 1
    assert len(announced) == 1


def test_a_rerun_after_a_photo_was_fixed_releases_the_hold(
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = book([jpeg(scene(1)), jpeg(scene(2, size=(400, 300)))])
    check(item.order_id, django_capture_on_commit_callbacks)
    Image.objects.filter(line_item=item, position=2).delete()
    stored_photo(item, 2, jpeg(scene(2)))

    assert check(item.order_id, django_capture_on_commit_callbacks) == "clear"

    assert Order.objects.get(pk=item.order_id).intake_clear


def test_an_order_still_downloading_is_left_for_the_download_to_finish(
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = book([jpeg(scene(1))])
    Order.objects.filter(pk=item.order_id).update(status="downloading")

    assert check(item.order_id, django_capture_on_commit_callbacks) == "waiting"

    assert Order.objects.get(pk=item.order_id).intake_checked_at is None


def test_an_unknown_order_is_reported_missing(db: None) -> None:
    assert services.order_intake_check(order_id=987654) == "missing"


def test_with_consent_required_an_order_without_it_is_held_and_its_photos_need_no_download(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PHOTO_CONSENT_REQUIRED = True
    order = factories.OrderFactory(status="error")
    item = factories.LineItemFactory(order=order, position=1, consent={})
    factories.ImageFactory(line_item=item, position=1)

    assert check(order.pk, django_capture_on_commit_callbacks) == "held"

    item.refresh_from_db()
    assert [f["code"] for f in item.intake_findings] == ["no_consent"]
    assert findings_of(item) == [[]]


def test_a_manual_order_needs_no_consent(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PHOTO_CONSENT_REQUIRED = True
    item = book([jpeg(scene(1))], shopify_id=None, order_number="#M1")

    assert check(item.order_id, django_capture_on_commit_callbacks) == "clear"
