"""Temporary files are removed whatever happens: a photo download that fails in every way
(broken files, a dropped connection, a stream cut off at the size limit, a storage that
is down) and a processing step that fails leave nothing in the temporary folder."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from common.storage import StorageUnavailable
from orders.models import Order
from processing import tasks
from shopify_sync.services import order_photos_download
from tests.fakes.photos import FakePhotoHost
from tests.processing.conftest import downloaded_image
from tests.s3 import S3Bucket
from tests.shopify_sync.test_photos import order_with_photos

pytestmark = pytest.mark.django_db


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where every tempfile of this process goes during the test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_download_that_fails_in_every_way_leaves_no_temp_file(
    photo_host: FakePhotoHost, temp_dir: Path, settings: Any
) -> None:
    settings.PHOTO_MAX_BYTES = 5 * 2**20
    order = order_with_photos(
        photo_host,
        "/photos/chelsea.jpg",
        "/photos/not-an-image.jpg",
        "/photos/truncated.jpg",
        "/drop/chelsea.jpg",
        "/big?mb=8",
    )

    assert order_photos_download(order_id=order.pk) == "failed"

    assert list(temp_dir.iterdir()) == []


def test_a_download_whose_storage_is_down_leaves_no_temp_file_and_is_retried(
    photo_host: FakePhotoHost, temp_dir: Path, s3_proxied: S3Bucket
) -> None:
    order = order_with_photos(photo_host, "/photos/chelsea.jpg", "/photos/rocket.png")
    s3_proxied.proxy.cut()

    with pytest.raises(StorageUnavailable):
        order_photos_download(order_id=order.pk)

    assert list(temp_dir.iterdir()) == []
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert "Stahování se zopakuje, až bude úložiště zpět" in order.status_message
    s3_proxied.proxy.restore()
    assert order_photos_download(order_id=order.pk) == "done"


def test_a_failed_processing_step_leaves_no_temp_file(
    s3: Any, temp_dir: Path, settings: Any
) -> None:
    settings.COLORING_BACKEND = "local"
    from processing import services

    image = downloaded_image("truncated.jpg")
    version = services.coloring_generate(image=image, actor="user:jana")

    tasks.coloring_local_run.apply(args=[version.pk])

    version.refresh_from_db()
    assert version.status == "error"
    assert list(temp_dir.iterdir()) == []
