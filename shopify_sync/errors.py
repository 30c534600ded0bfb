"""Errors of the Shopify integration. Transient ones are retried; permanent ones are not."""

from __future__ import annotations


class ShopifyError(Exception):
    """Base class: `str(exc)` is one sentence an operator can act on."""


class ShopifyTransientError(ShopifyError):
    """Worth retrying later: network trouble, 429/THROTTLED, 5xx.

    `retry_after` (seconds) is Shopify's own hint when it sent one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ShopifyPermanentError(ShopifyError):
    """Retrying cannot help: wrong credentials, missing configuration, bad request."""


class ShopifyNotFoundError(ShopifyPermanentError):
    """The order does not exist in the shop (or the token cannot see it)."""


class ShopifyAuthError(ShopifyPermanentError):
    """Shopify refused the access token (HTTP 401/403): only a fixed token or scope helps."""


class ShopifyUserError(ShopifyPermanentError):
    """A mutation's `userErrors`: Shopify understood the request and refused it.

    `messages` are Shopify's own sentences, shown to staff as they are.
    """

    def __init__(self, messages: tuple[str, ...]) -> None:
        super().__init__("Shopify refused the mutation: " + "; ".join(messages))
        self.messages = messages


class ChangeRefused(ShopifyError):
    """Staff's choice about a change Shopify made after approval cannot be made now."""


class WebhookError(ShopifyError):
    """A webhook delivery that we refuse; `status` is the HTTP answer to give."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class PhotoDownloadError(ShopifyError):
    """One photo could not be fetched or is not a usable image; the message is for staff."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
