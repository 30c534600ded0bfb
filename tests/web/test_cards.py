"""What a photo's card shows: its action URLs, its forms' defaults and input bounds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fotomalovanky.web.cards import CARD_DEFAULTS, INPUT_BOUNDS, image_card
from processing.services import versions
from tests.factories import ColoringVersionFactory, ImageFactory, SvgVersionFactory


@pytest.mark.django_db
def test_every_action_url_of_a_card_is_the_one_reverse_gives() -> None:
    image = ImageFactory(line_item__order__order_number="#1270")
    coloring = ColoringVersionFactory(image=image, status="completed")
    svg = SvgVersionFactory(image=image, coloring_version=coloring, status="error")

    card = image_card(image_id=image.pk)

    args = ["1270", image.pk]
    assert card.coloring_url == reverse("orders:image-coloring", args=args)
    assert card.svg_url == reverse("orders:image-svg", args=args)
    for chips, kind, version in (
        (card.coloring_chips, "coloring", coloring),
        (card.svg_chips, "svg", svg),
    ):
        [chip] = chips
        assert chip.version == version
        assert chip.select_url == reverse("orders:version-select", args=[*args, kind, version.pk])
        assert chip.retry_url == reverse("orders:version-retry", args=[*args, kind, version.pk])


def test_the_forms_start_from_the_version_models_defaults() -> None:
    assert CARD_DEFAULTS == {
        "megapixels": "1",
        "steps": "4",
        "shape_stacking": "stacked",
        "group_by": "color",
    }


def test_the_inputs_bounds_are_processings() -> None:
    assert INPUT_BOUNDS["megapixels"] == {
        "min": f"{versions.MEGAPIXELS_MIN:g}",
        "max": f"{versions.MEGAPIXELS_MAX:g}",
        "step": f"{versions.MEGAPIXELS_STEP:g}",
    }
    assert INPUT_BOUNDS["steps"]["max"] == str(versions.STEPS_MAX)


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_the_cards_of_the_detail_page_offer_every_option_from_the_defaults(
    staff_client: Client, headers: dict[str, str]
) -> None:
    ImageFactory(downloaded=True, line_item__order__order_number="#1270")

    page = staff_client.get("/orders/1270/", headers=headers).content.decode()

    assert 'name="megapixels" min="0.5" max="8" step="0.5" value="1"' in page
    assert 'name="steps" min="1" max="20" step="1" value="4"' in page
    assert '<option value="stacked" selected>Vrstvené</option>' in page
    assert '<option value="layer">Podle vrstvy</option>' in page
