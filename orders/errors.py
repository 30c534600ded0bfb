"""Errors of the orders app. `str(exc)` is always a Czech sentence staff can act on."""

from __future__ import annotations


class OrdersError(Exception):
    """Base class of the orders app's errors."""


class PhotoRejected(OrdersError):
    """A file is not a usable photo (not an image, unsupported, broken, too big)."""


class ManualOrderInvalid(OrdersError):
    """A manual order that cannot be created as entered; nothing was created.

    `errors` holds the order's own fields' messages by field name ("" for the form as
    a whole), `item_errors` one such dict per line item, in the order they were given.
    """

    def __init__(self, errors: dict[str, list[str]], item_errors: list[dict[str, list[str]]]):
        self.errors = errors
        self.item_errors = item_errors
        messages = [*errors.values(), *(m for item in item_errors for m in item.values())]
        super().__init__(" ".join(m for group in messages for m in group))
