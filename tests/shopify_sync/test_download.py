"""fetch_photo: SSRF refusals, size cap, retries, proxy fallback, redirects, headers."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from shopify_sync.download import address_refusal, fetch_photo
from shopify_sync.errors import PhotoDownloadError
from shopify_sync.headers import browser_headers
from tests.fakes.photos import PHOTOS, FakePhotoHost


def fetch(url: str, tmp_path: Path) -> Any:
    return fetch_photo(url, tmp_path / "photo")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.jpg",
        "http://localhost:8000/x.jpg",
        "http://10.0.0.8/x.jpg",
        "http://192.168.1.1/x.jpg",
        "http://172.16.5.4/x.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x.jpg",
        "http://[::ffff:127.0.0.1]/x.jpg",
        "http://0.0.0.0/x.jpg",
        "http://224.0.0.1/x.jpg",
    ],
)
def test_addresses_inside_our_network_are_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(PhotoDownloadError, match="Stažení odmítnuto"):
        fetch(url, tmp_path)
    assert not (tmp_path / "photo").exists()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x.jpg", "gopher://x/", "http:///x.jpg"]
)
def test_only_http_and_https_are_fetched(url: str, tmp_path: Path) -> None:
    with pytest.raises(PhotoDownloadError, match=r"http nebo https|nemá server"):
        fetch(url, tmp_path)


def test_link_local_stays_refused_even_when_private_hosts_are_allowed(settings: Any) -> None:
    settings.PHOTO_ALLOW_PRIVATE_HOSTS = True

    assert address_refusal("169.254.169.254") == "link-local adresu"
    assert address_refusal("fe80::1") == "link-local adresu"
    assert address_refusal("10.1.2.3") is None
    assert address_refusal("127.0.0.1") is None


def test_public_addresses_are_allowed(settings: Any) -> None:
    settings.PHOTO_ALLOW_PRIVATE_HOSTS = False

    assert address_refusal("93.184.216.34") is None
    assert address_refusal("2606:2800:220:1::1") is None


def test_a_photo_is_streamed_to_disk_with_size_and_hash(
    photo_host: FakePhotoHost, tmp_path: Path
) -> None:
    fetched = fetch(photo_host.url_for("/photos/chelsea.jpg"), tmp_path)

    original = (PHOTOS / "chelsea.jpg").read_bytes()
    assert fetched.path.read_bytes() == original
    assert (fetched.size, fetched.sha256) == (len(original), hashlib.sha256(original).hexdigest())
    assert fetched.content_type == "image/jpeg"


def test_a_redirect_to_a_metadata_address_is_refused(
    photo_host: FakePhotoHost, tmp_path: Path
) -> None:
    url = photo_host.url_for("/redirect?to=" + quote("http://169.254.169.254/latest/meta-data/"))

    with pytest.raises(PhotoDownloadError, match=r"169\.254\.169\.254 vede na 169\.254\.169\.254"):
        fetch(url, tmp_path)


def test_redirects_are_followed_up_to_five(photo_host: FakePhotoHost, tmp_path: Path) -> None:
    target = quote(photo_host.url_for("/photos/rocket.png"))
    fetched = fetch(photo_host.url_for(f"/redirect?to={target}"), tmp_path)

    assert fetched.final_url.endswith("/photos/rocket.png")
    with pytest.raises(PhotoDownloadError, match="víc než 5krát"):
        fetch(photo_host.url_for("/loop/0"), tmp_path)


@pytest.mark.parametrize("path", ["/big?mb=3", "/big-declared"])
def test_a_photo_over_the_size_cap_is_refused(
    photo_host: FakePhotoHost, tmp_path: Path, settings: Any, path: str
) -> None:
    settings.PHOTO_MAX_BYTES = 2 * 2**20

    with pytest.raises(PhotoDownloadError, match="větší než povolených 2 MB"):
        fetch(photo_host.url_for(path), tmp_path)


def test_404_fails_at_once(photo_host: FakePhotoHost, tmp_path: Path) -> None:
    with pytest.raises(PhotoDownloadError, match="HTTP 404"):
        fetch(photo_host.url_for("/status/404"), tmp_path)
    assert photo_host.hits["/status/404"] == 1


def test_server_errors_are_retried_with_backoff(photo_host: FakePhotoHost, tmp_path: Path) -> None:
    fetched = fetch(photo_host.url_for("/flaky/2/coffee.jpg"), tmp_path)

    assert fetched.size == (PHOTOS / "coffee.jpg").stat().st_size
    assert photo_host.hits["/flaky/2/coffee.jpg"] == 3


def test_persistent_server_errors_give_up_after_three_attempts(
    photo_host: FakePhotoHost, tmp_path: Path
) -> None:
    with pytest.raises(PhotoDownloadError, match="HTTP 503") as caught:
        fetch(photo_host.url_for("/status/503"), tmp_path)
    assert caught.value.transient
    assert photo_host.hits["/status/503"] == 3


def test_a_dropped_connection_is_retried(photo_host: FakePhotoHost, tmp_path: Path) -> None:
    with pytest.raises(PhotoDownloadError, match="není dostupný"):
        fetch(photo_host.url_for("/drop/coffee.jpg"), tmp_path)
    assert photo_host.hits["/drop/coffee.jpg"] == 3


def test_a_slow_host_times_out(photo_host: FakePhotoHost, tmp_path: Path, settings: Any) -> None:
    settings.PHOTO_READ_TIMEOUT = 0.2

    with pytest.raises(PhotoDownloadError, match="není dostupný"):
        fetch(photo_host.url_for("/slow/1/coffee.jpg"), tmp_path)


def test_a_blocked_photo_is_fetched_through_the_proxy(proxy: FakePhotoHost, tmp_path: Path) -> None:
    fetched = fetch(proxy.url_for("/blocked/chelsea.jpg"), tmp_path)

    assert fetched.size == (PHOTOS / "chelsea.jpg").stat().st_size
    assert proxy.hits["/blocked/chelsea.jpg"] == 2  # once direct (403), once via the proxy
    assert proxy.proxied == [proxy.url_for("/blocked/chelsea.jpg")]


def test_rate_limited_photos_also_fall_back_to_the_proxy(
    proxy: FakePhotoHost, tmp_path: Path
) -> None:
    with pytest.raises(PhotoDownloadError, match="HTTP 429"):
        fetch(proxy.url_for("/status/429?retry_after=0"), tmp_path)
    assert len(proxy.proxied) == 3  # after 3 direct attempts, 3 through the proxy


def test_a_404_does_not_try_the_proxy(proxy: FakePhotoHost, tmp_path: Path) -> None:
    with pytest.raises(PhotoDownloadError, match="HTTP 404"):
        fetch(proxy.url_for("/status/404"), tmp_path)
    assert proxy.proxied == []


def test_without_a_proxy_a_blocked_photo_fails(photo_host: FakePhotoHost, tmp_path: Path) -> None:
    with pytest.raises(PhotoDownloadError, match="HTTP 403"):
        fetch(photo_host.url_for("/blocked/chelsea.jpg"), tmp_path)


def test_it_sends_browser_like_headers_chosen_per_host(
    photo_host: FakePhotoHost, tmp_path: Path
) -> None:
    fetch(photo_host.url_for("/photos/chelsea.jpg"), tmp_path)

    sent = photo_host.requests[0].headers
    assert sent["Referer"] == "https://admin.shopify.com/"
    assert sent["User-Agent"] == browser_headers("127.0.0.1")["User-Agent"]
    assert browser_headers("cdn.a.com") == browser_headers("cdn.a.com")
    assert len({browser_headers(f"h{i}.com")["User-Agent"] for i in range(40)}) > 3
