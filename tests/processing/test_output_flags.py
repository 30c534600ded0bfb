"""Clean-up and output checks where any backend's result is stored: flags, selection, cards, API.

Photos are made in the test: a plain grey one (the local filter and the fake RunPod
both draw a near-blank page from it) and a framed drawing (the fake RunPod's page is
its edges, so the frame comes back as a keyline for the clean-up to remove).
"""

from __future__ import annotations

import io
from typing import Any

import cv2
import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from orders.models import Image, OrderEvent
from processing import services
from processing.models import ColoringVersion, SvgVersion
from processing.review import ReviewState, order_review
from tests import factories
from tests.fakes.runpod import FakeRunPod
from tests.processing.conftest import downloaded_image
from tests.processing.pages import grey, ink_share
from tests.processing.test_cleanup import long_runs_near_borders
from tests.processing.test_coloring_runpod import poll_until_final
from tests.processing.test_integration import final, wait_for

pytestmark = pytest.mark.django_db
BLANK_LABEL = "Téměř prázdná stránka (méně než 0,5 % kresby)"


def jpeg(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    PILImage.fromarray(pixels).convert("RGB").save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def grey_photo() -> bytes:
    return jpeg(np.full((700, 700), 200, np.uint8))


def framed_photo() -> bytes:
    pixels = np.full((700, 700), 255, np.uint8)
    cv2.rectangle(pixels, (30, 30), (669, 669), 0, 6)
    cv2.circle(pixels, (350, 350), 200, 0, 8)
    cv2.circle(pixels, (350, 350), 120, 0, 8)
    return jpeg(pixels)


def photo_of(data: bytes, **fields: Any) -> Image:
    image = factories.ImageFactory(**fields)
    image.file.save("photo.jpg", ContentFile(data), save=False)
    image.downloaded_at = timezone.now()
    image.content_type = "image/jpeg"
    image.save()
    return image


def local_coloring(image: Image, settings: Any) -> ColoringVersion:
    settings.COLORING_BACKEND = "local"
    version = services.coloring_generate(image=image, actor="user:jana")
    assert services.coloring_local_run(version_id=version.pk) == "completed"
    version.refresh_from_db()
    return version


def runpod_coloring(image: Image) -> ColoringVersion:
    version = services.coloring_generate(image=image, actor="user:jana")
    services.coloring_runpod_submit(version_id=version.pk)
    assert poll_until_final(version)[-1] == "completed"
    version.refresh_from_db()
    return version


def stored(version: ColoringVersion | SvgVersion) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


def test_a_near_blank_local_colouring_is_flagged_and_not_selected(settings: Any) -> None:
    version = local_coloring(photo_of(grey_photo()), settings)

    assert version.status == "completed"
    assert version.flags == ["near_blank"]
    assert not version.is_selected
    assert f"Kontrola výstupu: {BLANK_LABEL}." in version.error_history
    event = OrderEvent.objects.get(message__contains="hotovo")
    assert event.message.endswith(f"hotovo, nevybrána automaticky ({BLANK_LABEL})")


def test_a_local_colouring_that_passes_the_checks_is_selected(settings: Any) -> None:
    version = local_coloring(downloaded_image("chelsea.jpg"), settings)

    assert version.flags == [] and version.is_selected
    assert OrderEvent.objects.filter(message__endswith="hotovo, vybrána").count() == 1


def test_a_near_blank_runpod_colouring_is_flagged_and_not_selected(runpod: FakeRunPod) -> None:
    # The fake draws the photo's edges: a grey photo gives only a hairline along the
    # page's edge, which the clean-up removes as a frame, leaving a blank page.
    version = runpod_coloring(photo_of(grey_photo()))

    assert version.flags == ["near_blank"] and not version.is_selected
    assert "Úprava stránky: odstraněn rámeček." in version.error_history
    assert ink_share(grey(stored(version))) < 0.005


def test_a_runpod_colouring_is_stored_cleaned_and_its_svg_is_made_from_the_cleaned_page(
    runpod: FakeRunPod, settings: Any
) -> None:
    image = photo_of(framed_photo())

    coloring = runpod_coloring(image)

    page = grey(stored(coloring))
    assert coloring.flags == [] and coloring.is_selected
    assert long_runs_near_borders(page) == 0
    assert page.shape[0] < 512 and "odstraněn rámeček, oříznuto z 512×512" in coloring.error_history
    settings.VECTORIZE_BACKEND = "local"
    svg = services.svg_generate(image=image, actor="user:jana")
    assert services.svg_local_run(version_id=svg.pk) == "completed"
    svg.refresh_from_db()
    assert svg.coloring_version_id == coloring.pk and svg.flags == [] and svg.is_selected
    assert f'width="{page.shape[1]}" height="{page.shape[0]}"'.encode() in stored(svg)


def test_an_svg_of_a_blank_page_is_flagged_and_not_selected(settings: Any) -> None:
    image = photo_of(grey_photo())
    coloring = local_coloring(image, settings)
    settings.VECTORIZE_BACKEND = "local"

    svg = services.svg_generate(image=image, actor="user:jana")
    services.svg_local_run(version_id=svg.pk)

    svg.refresh_from_db()
    assert svg.status == "completed" and svg.coloring_version_id == coloring.pk
    assert svg.flags in (["svg_empty"], ["svg_white"]) and not svg.is_selected
    assert "Kontrola výstupu: " in svg.error_history


def test_a_flagged_colouring_does_not_displace_the_selected_one(settings: Any) -> None:
    image = downloaded_image("chelsea.jpg")
    good = local_coloring(image, settings)
    image.file.save("photo.jpg", ContentFile(grey_photo()))

    flagged = local_coloring(image, settings)

    good.refresh_from_db()
    assert flagged.flags == ["near_blank"] and not flagged.is_selected and good.is_selected


def test_staff_may_still_select_a_flagged_version_by_hand(settings: Any) -> None:
    image = photo_of(grey_photo())
    version = local_coloring(image, settings)

    services.version_select(image=image, version=version, actor="user:jana")

    version.refresh_from_db()
    assert version.is_selected and version.flags == ["near_blank"]


def test_the_card_says_in_czech_why_a_version_was_not_selected(
    staff_client: Client, settings: Any
) -> None:
    image = photo_of(grey_photo(), line_item__order__order_number="#1270")
    version = local_coloring(image, settings)

    html = staff_client.get("/orders/1270/").content.decode()

    assert f"v{version.version} nebyla vybrána automaticky: {BLANK_LABEL}" in html
    assert html.count(BLANK_LABEL) == 2  # the frame and the chip


def test_the_review_workspace_names_the_flags_of_the_page(
    staff_client: Client, settings: Any
) -> None:
    image = photo_of(grey_photo(), line_item__order__order_number="#1270")
    local_coloring(image, settings)

    html = staff_client.get("/orders/1270/review/").content.decode()

    assert f"Kontrola výstupu: {BLANK_LABEL}" in html


def test_the_api_version_payload_has_the_flags(staff_client: Client, settings: Any) -> None:
    image = photo_of(grey_photo(), line_item__order__order_number="#1270")
    local_coloring(image, settings)

    body = staff_client.get("/api/v1/orders/1270").json()

    (coloring,) = body["line_items"][0]["images"][0]["versions"]["coloring"]
    assert coloring["flags"] == ["near_blank"] and coloring["is_selected"] is False


def test_a_flagged_page_comes_first_among_the_pages_to_review(settings: Any) -> None:
    good = downloaded_image("chelsea.jpg", position=1)
    flagged = photo_of(grey_photo(), line_item=good.line_item, position=2)
    local_coloring(good, settings)
    local_coloring(flagged, settings)

    review = order_review(order_id=good.line_item.order_id)

    assert [p.state for p in review.photos] == [ReviewState.TO_REVIEW] * 2
    assert [p.image.pk for p in review.photos] == [flagged.pk, good.pk]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_through_a_real_worker_a_blank_page_is_flagged_and_a_good_one_selected(
    celery_worker: Any, settings: Any
) -> None:
    settings.COLORING_BACKEND = "local"
    blank, good = photo_of(grey_photo()), downloaded_image("chelsea.jpg")

    started = [services.coloring_generate(image=i, actor="user:jana") for i in (blank, good)]

    for version in started:
        wait_for(final(ColoringVersion, version.pk))
    flagged, passed = (ColoringVersion.objects.get(pk=v.pk) for v in started)
    assert (flagged.status, flagged.flags, flagged.is_selected) == (
        "completed",
        ["near_blank"],
        False,
    )
    assert (passed.status, passed.flags, passed.is_selected) == ("completed", [], True)
