"""Shared pieces of the API tests: the signing secret, tokens, clients and a full order."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from fotomalovanky.api.auth import AUDIENCE, api_token_issue
from orders.models import Image, Order
from processing.models import ColoringVersion, SvgVersion
from tests import factories

SECRET = "test-api-secret-0123456789-abcdefghijklmnop"


@pytest.fixture(autouse=True)
def api_secret(settings: Any) -> str:
    settings.API_JWT_SECRET = SECRET
    return SECRET


def make_token(username: str, *, secret: str = SECRET, **overrides: Any) -> str:
    """A token signed like the real ones, with any claim replaced (None removes it)."""
    now = timezone.now()
    claims = {"sub": username, "aud": AUDIENCE, "iat": now, "exp": now + timedelta(hours=1)}
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, secret, algorithm="HS256")


def unsigned_token(username: str) -> str:
    """`alg: none`: no signature at all."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    exp = int((timezone.now() + timedelta(hours=1)).timestamp())
    claims = {"sub": username, "aud": AUDIENCE, "exp": exp}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def token(staff_user: User) -> str:
    return api_token_issue(username=staff_user.username, days=1)


@pytest.fixture
def api(token: str) -> Client:
    """A client that sends a valid staff token, as a script would."""
    return bearer(token)


def full_order(*, images: int = 2, versions: int = 2, number: str = "#1270") -> Order:
    """An order with one line item, downloaded photos, and completed colouring and SVG
    versions of each photo (the first of each kind selected)."""
    order = factories.OrderFactory(order_number=number, shipping_method="Zásilkovna")
    line_item = factories.LineItemFactory(
        order=order, position=1, dedication="Pro Aničku", layout="A4"
    )
    for position in range(1, images + 1):
        image = factories.ImageFactory(line_item=line_item, position=position, downloaded=True)
        for number in range(1, versions + 1):
            coloring = factories.ColoringVersionFactory(
                image=image, version=number, status="completed", is_selected=number == 1
            )
            factories.SvgVersionFactory(
                image=image,
                coloring_version=coloring,
                version=number,
                status="completed",
                is_selected=number == 1,
            )
    return order


def first_image(order: Order) -> Image:
    return Image.objects.filter(line_item__order=order).order_by("position").first()


def versions_of(image: Image) -> tuple[list[ColoringVersion], list[SvgVersion]]:
    return (
        list(image.coloring_versions.order_by("version")),
        list(image.svg_versions.order_by("version")),
    )
