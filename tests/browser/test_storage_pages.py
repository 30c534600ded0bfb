"""Pages with their files in a bucket (a real S3 endpoint): pictures load from it, a
missing object and a storage that is down say so in Czech on the card, and with
MEDIA_PRESIGNED the pictures come straight from the bucket, inside the page's policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from orders.models import Image
from tests.browser.conftest import downloaded_photo, log_in, screenshot
from tests.live import DaphneServer, daphne
from tests.s3 import S3Bucket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bucket_server(
    s3_proxied: S3Bucket, redis_channel_layer: str, settings: Any, tmp_path: Path
) -> Iterator[DaphneServer]:
    """daphne with the files in the bucket and a data folder of its own (no shared disk)."""
    own = tmp_path / "web-data"
    env = {
        **s3_proxied.env(),
        "TEST_CHANNELS_PREFIX": redis_channel_layer,
        "REDIS_URL": settings.REDIS_URL,
        "DATA_DIR": str(own),
        "STORAGE_PATH": str(own / "images"),
    }
    if settings.MEDIA_PRESIGNED:
        env["MEDIA_PRESIGNED"] = "true"
    with daphne(
        settings_module="tests.browser.server_settings", env=env, log=tmp_path / "daphne.log"
    ) as server:
        yield server


def photo_card(page: Page, image: Image) -> Any:
    return page.locator(f"#image-{image.pk}")


def wait_for_picture(page: Page, image: Image) -> None:
    """The photo of the card has loaded (a picture that failed has no width)."""
    page.wait_for_function(
        "(id) => { const img = document.querySelector(`#image-${id} img`);"
        " return img && img.complete && img.naturalWidth > 0; }",
        arg=image.pk,
    )


def test_pictures_come_from_the_bucket_and_a_missing_or_unreachable_one_says_why(
    bucket_server: DaphneServer, s3_proxied: S3Bucket, staff: Any, context: BrowserContext
) -> None:
    present = downloaded_photo()
    missing = downloaded_photo(line_item=present.line_item, position=2)
    s3_proxied.delete(missing.preview.name)
    page = context.new_page()

    log_in(page, bucket_server.url, f"/orders/{present.line_item.order.number}/")

    expect(photo_card(page, missing)).to_contain_text("Soubor v úložišti chybí.")
    wait_for_picture(page, present)
    screenshot(page, "storage-missing-object")

    s3_proxied.proxy.cut()  # type: ignore[union-attr]
    page.reload()

    expect(photo_card(page, present)).to_contain_text("Úložiště souborů je teď nedostupné")
    expect(photo_card(page, missing)).to_contain_text("Úložiště souborů je teď nedostupné")


def test_presigned_pictures_load_from_the_bucket_within_the_policy(
    settings: Any, bucket_server: DaphneServer, staff: Any, context: BrowserContext
) -> None:
    image = downloaded_photo()
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))

    log_in(page, bucket_server.url, f"/orders/{image.line_item.order.number}/")

    wait_for_picture(page, image)
    assert not [text for text in blocked if "Content Security Policy" in text]


@pytest.fixture(autouse=True)
def _presigned_when_asked(request: pytest.FixtureRequest, settings: Any) -> None:
    # Set before `bucket_server` starts, which passes it on to daphne.
    if "presigned" in request.node.name:
        settings.MEDIA_PRESIGNED = True
