"""Downloading an order's photos: verified images, previews, statuses, retries of failures."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from orders.models import Image, Order
from shopify_sync.services import order_photos_download
from tests.factories import ImageFactory, LineItemFactory, OrderFactory
from tests.fakes.photos import PHOTOS, FakePhotoHost

pytestmark = pytest.mark.django_db


def order_with_photos(host: FakePhotoHost, *paths: str) -> Order:
    order = OrderFactory(order_number="#1270")
    line_item = LineItemFactory(order=order, position=1)
    for position, path in enumerate(paths, start=1):
        ImageFactory(line_item=line_item, position=position, original_url=host.url_for(path))
    return order


def test_every_photo_is_stored_with_its_facts_and_a_preview(photo_host: FakePhotoHost) -> None:
    order = order_with_photos(
        photo_host, "/photos/chelsea.jpg", "/photos/rocket.png?ctype=none", "/photos/astronaut.heic"
    )

    assert order_photos_download(order_id=order.pk) == "done"

    order.refresh_from_db()
    assert order.status == Order.Status.READY_FOR_REVIEW
    images = list(Image.objects.order_by("position"))
    assert [(i.content_type, i.width, i.height) for i in images] == [
        ("image/jpeg", 451, 300),
        ("image/png", 640, 427),
        ("image/heic", 512, 512),
    ]
    assert [i.file.name.rsplit("/", 1)[1] for i in images] == [
        "image_1.jpg",
        "image_2.png",
        "image_3.heic",
    ]
    assert images[0].file.name == f"{order.pk}/{images[0].line_item_id}/image_1.jpg"
    with default_storage.open(images[0].file.name) as stored:
        assert stored.read() == (PHOTOS / "chelsea.jpg").read_bytes()
    assert all(i.downloaded_at and i.sha256 and i.size for i in images)
    with default_storage.open(images[2].preview.name) as preview:
        assert PILImage.open(preview).format == "JPEG"


def test_the_preview_is_upright_and_at_most_1024_pixels(
    photo_host: FakePhotoHost, settings: Any
) -> None:
    settings.PHOTO_PREVIEW_SIZE = 200
    order = order_with_photos(photo_host, "/photos/chelsea-exif-orientation-6.jpg")

    order_photos_download(order_id=order.pk)

    image = Image.objects.get()
    assert (image.width, image.height) == (300, 451)  # stored sideways, as the camera wrote it
    with default_storage.open(image.preview.name) as preview:
        assert PILImage.open(preview).size == (200, 133)  # shown upright


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/photos/not-an-image.jpg", "není obrázek"),
        ("/photos/truncated.jpg", "poškozený nebo neúplný"),
        ("/photos/bomb-400mp.png", "víc než 100 megapixelů"),
        ("/status/404", "HTTP 404"),
    ],
)
def test_a_bad_photo_fails_with_a_clear_reason_and_the_order_names_it(
    photo_host: FakePhotoHost, path: str, message: str
) -> None:
    order = order_with_photos(photo_host, "/photos/coffee.jpg", path)

    assert order_photos_download(order_id=order.pk) == "failed"

    order.refresh_from_db()
    bad = Image.objects.get(position=2)
    assert order.status == Order.Status.ERROR
    assert message in bad.download_error
    assert order.status_message.startswith("Nepodařilo se stáhnout: Fotka 2 (položka 1):")
    assert (bad.file.name, bad.downloaded_at) == ("", None)
    assert Image.objects.get(position=1).downloaded_at is not None


def test_a_resync_retries_only_what_failed(photo_host: FakePhotoHost) -> None:
    order = order_with_photos(photo_host, "/photos/coffee.jpg", "/flaky/3/rocket.jpg")
    order_photos_download(order_id=order.pk)  # 3 × 503: the second photo fails
    assert photo_host.hits["/photos/coffee.jpg"] == 1

    assert order_photos_download(order_id=order.pk) == "done"

    assert photo_host.hits["/photos/coffee.jpg"] == 1
    assert photo_host.hits["/flaky/3/rocket.jpg"] == 4
    assert Order.objects.get().status == Order.Status.READY_FOR_REVIEW
    assert Image.objects.get(position=2).download_error == ""


def test_an_order_being_downloaded_is_not_claimed_twice(photo_host: FakePhotoHost) -> None:
    order = order_with_photos(photo_host, "/photos/coffee.jpg")
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DOWNLOADING)

    assert order_photos_download(order_id=order.pk) == "skipped"
    assert photo_host.requests == []


def test_cmyk_and_palette_photos_are_accepted(photo_host: FakePhotoHost) -> None:
    order = order_with_photos(photo_host, "/photos/coffee-cmyk.jpg", "/photos/chelsea-palette.png")

    assert order_photos_download(order_id=order.pk) == "done"


@pytest.mark.parametrize("value", ["file:///etc/passwd", "gopher://internal/x", "nahráno"])
def test_a_photo_whose_address_is_no_http_url_fails_visibly(
    photo_host: FakePhotoHost, value: str
) -> None:
    order = order_with_photos(photo_host, "/photos/chelsea.jpg")
    ImageFactory(line_item=order.line_items.get(), position=2, original_url=value)

    assert order_photos_download(order_id=order.pk) == "failed"

    bad = Image.objects.get(position=2)
    assert bad.download_error.startswith("Neplatná adresa fotky")
    assert bad.downloaded_at is None
    order.refresh_from_db()
    assert order.status == Order.Status.ERROR
    assert "Fotka 2 (položka 1): Neplatná adresa fotky" in order.status_message
    assert dict(photo_host.hits) == {"/photos/chelsea.jpg": 1}  # nothing else was asked for
