"""Errors of the orders app. `str(exc)` is always a Czech sentence staff can act on."""

from __future__ import annotations


class OrdersError(Exception):
    """Base class of the orders app's errors."""


class PhotoRejected(OrdersError):
    """A file is not a usable photo (not an image, unsupported, broken, too big)."""
