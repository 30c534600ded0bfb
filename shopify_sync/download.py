"""Fetching customer photos from wherever Shopify's upload app put them, safely.

- Only http and https. Every address a host resolves to is checked, on every redirect
  (at most 5), and the connection goes to the checked address itself, so a DNS answer
  that changes between check and connect (rebinding) cannot reach our network.
  Loopback, private, link-local, multicast and reserved ranges are refused; with
  PHOTO_ALLOW_PRIVATE_HOSTS (development, tests) loopback and private ones are allowed,
  link-local never (169.254.169.254 is a cloud metadata service).
- Streamed to a file with a size cap, never held in memory; sha256 computed on the way.
- Network errors, 429 and 5xx are retried with backoff. Photo CDNs with bot protection
  answer 403/429/52x: then the configured proxies (PROXY_<N>_*) are tried in order.
- Browser-like headers, chosen deterministically per host (as the old system did).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from orders.errors import PhotoRejected
from orders.photos import too_large, write_capped

from .errors import PhotoDownloadError
from .headers import browser_headers
from .schemas import MAX_URL_LENGTH

MAX_REDIRECTS = 5
ATTEMPTS = 3
CHUNK = 64 * 1024
PROXY_FALLBACK_STATUSES = frozenset({403, 429, 525, 526, 530})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


class UnsafeAddressError(Exception):
    """The URL points at an address we refuse. Deliberately not an OSError, so that
    urllib3 does not wrap it as a retryable connection failure."""


@dataclass(frozen=True)
class FetchedPhoto:
    path: Path
    size: int
    sha256: str
    content_type: str  # as the host declared it; the image itself is checked later
    final_url: str


class _HTTPError(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


# --- address policy ---


def address_refusal(address: str) -> str | None:
    """Why an IP address may not be fetched from, or None when it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_link_local:
        return "link-local adresu"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "rezervovanou adresu"
    if (ip.is_loopback or ip.is_private) and not settings.PHOTO_ALLOW_PRIVATE_HOSTS:
        return "adresu v privátní síti"
    if not ip.is_global and not (ip.is_loopback or ip.is_private):
        return "neveřejnou adresu"
    return None


def resolve_checked(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo, refusing the host if any of its addresses is refused."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise PhotoDownloadError(f"Server {host} neexistuje ({exc.strerror}).") from exc
    for info in infos:
        reason = address_refusal(str(info[4][0]))  # an IP address: AF_INET and AF_INET6 only
        if reason:
            raise UnsafeAddressError(f"{host} vede na {info[4][0]}, {reason}")
    return infos


def _connect_checked(conn: HTTPConnection) -> socket.socket:
    last_error: OSError | None = None
    for family, kind, proto, _, address in resolve_checked(conn._dns_host, conn.port):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(conn.timeout)
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise last_error or OSError(f"no address for {conn._dns_host}")


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect_checked(self)


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """requests adapter whose connections go only to addresses that passed the policy."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


# --- fetching ---


def check_url(url: str) -> tuple[str, int]:
    if not url:
        raise PhotoDownloadError("Neplatná adresa fotky: zákazník ji nevyplnil.")
    if len(url) >= MAX_URL_LENGTH:
        raise PhotoDownloadError(f"Neplatná adresa fotky: delší než {MAX_URL_LENGTH} znaků.")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        shown = url if len(url) <= 80 else url[:80] + "…"
        raise PhotoDownloadError(
            f"Neplatná adresa fotky „{shown}“: fotka musí mít adresu http nebo https."
        )
    if not parts.hostname:
        raise PhotoDownloadError("Neplatná adresa fotky: nemá server.")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


@contextmanager
def _session(proxy: dict[str, str] | None) -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # never pick up proxies or .netrc from the environment
    if proxy is None:
        adapter = CheckedAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    else:
        session.proxies = {"http": proxy["url"], "https": proxy["url"]}
        if proxy.get("ca_file"):
            session.verify = proxy["ca_file"]
    try:
        yield session
    finally:
        session.close()


def fetch_photo(url: str, dest: Path) -> FetchedPhoto:
    """Download `url` into `dest`. Raises PhotoDownloadError with a message for staff."""
    try:
        return _fetch_with_fallback(url, dest)
    except UnsafeAddressError as exc:
        raise PhotoDownloadError(f"Stažení odmítnuto: {exc}.") from exc


def _fetch_with_fallback(url: str, dest: Path) -> FetchedPhoto:
    try:
        return _fetch_retrying(url, dest, proxy=None)
    except PhotoDownloadError as direct_error:
        if not direct_error.transient and not _blocked(direct_error):
            raise
        error = direct_error
    for proxy in settings.PHOTO_PROXIES:
        try:
            return _fetch_retrying(url, dest, proxy=proxy)
        except PhotoDownloadError as proxy_error:
            error = proxy_error
    raise error


def _blocked(error: PhotoDownloadError) -> bool:
    status = getattr(error.__cause__, "status", None)
    return status in PROXY_FALLBACK_STATUSES


def _fetch_retrying(url: str, dest: Path, proxy: dict[str, str] | None) -> FetchedPhoto:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _fetch_once(url, dest, proxy)
        except _HTTPError as exc:
            error = PhotoDownloadError(
                f"Server s fotkou odpověděl {exc}.", transient=exc.status in RETRY_STATUSES
            )
            error.__cause__ = exc
            wait = exc.retry_after
        except (requests.ConnectionError, requests.Timeout) as exc:
            error = PhotoDownloadError(f"Server s fotkou není dostupný: {exc}", transient=True)
            error.__cause__ = exc
            wait = None
        if not error.transient or attempt == ATTEMPTS:
            raise error
        time.sleep(min(wait if wait is not None else _backoff(attempt), 30.0))
    raise AssertionError("unreachable")


def _backoff(attempt: int) -> float:
    return float(settings.PHOTO_RETRY_BASE_DELAY) * 2 ** (attempt - 1)


def _fetch_once(url: str, dest: Path, proxy: dict[str, str] | None) -> FetchedPhoto:
    timeout = (settings.PHOTO_CONNECT_TIMEOUT, settings.PHOTO_READ_TIMEOUT)
    with _session(proxy) as session:
        for _ in range(MAX_REDIRECTS + 1):
            host, port = check_url(url)
            if proxy is not None:
                resolve_checked(host, port)  # the proxy connects; we still vet the target
            headers = browser_headers(host)
            with session.get(
                url, headers=headers, timeout=timeout, stream=True, allow_redirects=False
            ) as response:
                if response.is_redirect and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                if response.status_code >= 400:
                    raise _HTTPError(response.status_code, _retry_after(response))
                return _stream_to_file(response, dest, url)
    raise PhotoDownloadError(f"Adresa fotky přesměrovává víc než {MAX_REDIRECTS}krát.")


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _stream_to_file(response: requests.Response, dest: Path, url: str) -> FetchedPhoto:
    limit = settings.PHOTO_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PhotoDownloadError(too_large(limit))
    try:
        size, sha256 = write_capped(response.iter_content(CHUNK), dest, limit=limit)
    except PhotoRejected as exc:
        raise PhotoDownloadError(str(exc)) from exc
    if size == 0:
        raise PhotoDownloadError("Server s fotkou poslal prázdný soubor.")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return FetchedPhoto(dest, size, sha256, content_type, url)
