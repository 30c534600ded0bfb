"""Browser-like request headers for photo hosts, chosen deterministically per host.

Photo CDNs behind bot protection block obvious scripts. The same host always gets
the same User-Agent and Accept-Language (MD5 of "host:seed", first 4 bytes modulo the
list length), so we look like one consistent browser to each host, as the old system did.
"""

from __future__ import annotations

import hashlib

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
)

ACCEPT_LANGUAGES = (
    "cs-CZ,cs;q=0.9,en;q=0.8",
    "cs,en-US;q=0.9,en;q=0.8",
    "en-US,en;q=0.9",
    "en-GB,en;q=0.9",
    "sk-SK,sk;q=0.9,cs;q=0.8,en;q=0.7",
    "de-DE,de;q=0.9,en;q=0.8",
    "cs-CZ,cs;q=0.9",
    "en-US,en;q=0.9,cs;q=0.8",
)


def _pick(options: tuple[str, ...], host: str, seed: int) -> str:
    digest = hashlib.md5(f"{host}:{seed}".encode(), usedforsecurity=False).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def browser_headers(host: str) -> dict[str, str]:
    return {
        "User-Agent": _pick(USER_AGENTS, host, 0),
        "Accept-Language": _pick(ACCEPT_LANGUAGES, host, 1),
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
        "image/webp,image/apng,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
        "Referer": "https://admin.shopify.com/",
        "Sec-Fetch-Dest": "document",
        "Sec-Fetch-Mode": "navigate",
        "Sec-Fetch-Site": "cross-site",
        "Upgrade-Insecure-Requests": "1",
    }
