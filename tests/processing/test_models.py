"""Version numbering under concurrency and the selection constraint, on the real database."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from processing.models import ColoringVersion, SvgVersion
from processing.services import coloring_version_create, svg_version_create
from tests.factories import ColoringVersionFactory, ImageFactory, SvgVersionFactory


def create_concurrently(create: object, count: int) -> tuple[list[int], list[BaseException]]:
    """Run `create()` in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            numbers.append(create().version)  # type: ignore[operator]
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(numbers), errors


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_new_versions_get_1_and_2() -> None:
    image = ImageFactory(downloaded=True)

    numbers, errors = create_concurrently(lambda: coloring_version_create(image=image), 2)

    assert errors == []
    assert numbers == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_svg_versions_are_numbered_without_gaps() -> None:
    source = ColoringVersionFactory(status="completed")

    numbers, errors = create_concurrently(
        lambda: svg_version_create(image=source.image, coloring_version=source), 8
    )

    assert errors == []
    assert numbers == list(range(1, 9))
    assert SvgVersion.objects.filter(image=source.image).count() == 8


@pytest.mark.django_db
def test_numbering_is_per_image() -> None:
    first, second = ImageFactory(downloaded=True), ImageFactory(downloaded=True)

    coloring_version_create(image=first)
    coloring_version_create(image=first)
    only = coloring_version_create(image=second)

    assert only.version == 1
    assert list(first.coloring_versions.values_list("version", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_an_image_cannot_have_two_selected_colorings() -> None:
    selected = ColoringVersionFactory(status="completed", is_selected=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ColoringVersionFactory(image=selected.image, status="completed", is_selected=True)


@pytest.mark.django_db
def test_an_image_cannot_have_two_selected_svgs() -> None:
    selected = SvgVersionFactory(status="completed", is_selected=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        SvgVersionFactory(
            coloring_version=selected.coloring_version, status="completed", is_selected=True
        )


@pytest.mark.django_db
def test_one_selected_coloring_and_one_selected_svg_per_image_are_allowed() -> None:
    svg = SvgVersionFactory(status="completed", is_selected=True)
    ColoringVersion.objects.filter(pk=svg.coloring_version_id).update(is_selected=True)
    ColoringVersionFactory(image=svg.image, status="completed", is_selected=False)
    ColoringVersionFactory(status="completed", is_selected=True)  # another image

    assert ColoringVersion.objects.filter(is_selected=True).count() == 2


@pytest.mark.django_db
def test_version_numbers_are_unique_per_image() -> None:
    version = ColoringVersionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ColoringVersionFactory(image=version.image, version=version.version)


def test_in_progress_is_every_status_that_is_not_final() -> None:
    assert ColoringVersion(status="runpod_queued").is_in_progress
    assert ColoringVersion(status="queued").is_in_progress
    assert not ColoringVersion(status="completed").is_in_progress
    assert not SvgVersion(status="error").is_in_progress
    assert SvgVersion(status="vectorizer_processing").is_in_progress
