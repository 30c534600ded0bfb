"""Fixtures for the Shopify integration: the fake shop, the fake photo host and proxy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.photos import PROXY_PASSWORD, PROXY_USER, FakePhotoHost
from tests.fakes.server import running
from tests.fakes.shopify import FakeShopify


@pytest.fixture
def shopify(settings: Any) -> Iterator[FakeShopify]:
    for fake in running(FakeShopify()):
        settings.SHOPIFY_STORE_URL = fake.url
        settings.SHOPIFY_RETRY_BASE_DELAY = 0.01
        yield fake  # type: ignore[misc]


@pytest.fixture
def photo_host(settings: Any) -> Iterator[FakePhotoHost]:
    for fake in running(FakePhotoHost()):
        # The fake listens on 127.0.0.1, which production refuses.
        settings.PHOTO_ALLOW_PRIVATE_HOSTS = True
        settings.PHOTO_RETRY_BASE_DELAY = 0.01
        yield fake  # type: ignore[misc]


@pytest.fixture
def proxy(settings: Any, photo_host: FakePhotoHost) -> FakePhotoHost:
    """The photo host doubles as the configured fallback proxy."""
    host_port = photo_host.url.removeprefix("http://")
    settings.PHOTO_PROXIES = [
        {"url": f"http://{PROXY_USER}:{PROXY_PASSWORD}@{host_port}", "ca_file": ""}
    ]
    return photo_host
