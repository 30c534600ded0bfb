"""Services staff and the API call: new versions, whole orders, retry, selection."""

from __future__ import annotations

from typing import Any

import pytest

from orders.models import OrderEvent
from processing import services
from processing.errors import ProcessingRuleError, ProcessingValidationError
from processing.models import ColoringVersion, SvgVersion
from tests import factories
from tests.processing.conftest import completed_coloring, downloaded_image, sent_tasks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("megapixels", "steps", "fields"),
    [
        (0.4, 4, {"megapixels"}),
        (8.5, 4, {"megapixels"}),
        (1.25, 4, {"megapixels"}),
        ("abc", 4, {"megapixels"}),
        (float("nan"), 4, {"megapixels"}),
        (1.0, 0, {"steps"}),
        (1.0, 21, {"steps"}),
        (1.0, 4.5, {"steps"}),
        (True, None, {"megapixels", "steps"}),
    ],
)
def test_invalid_coloring_settings_are_refused_and_nothing_is_queued(
    image: Any, django_capture_on_commit_callbacks: Any, megapixels: Any, steps: Any, fields: set
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ProcessingValidationError) as caught:
            services.coloring_generate(image=image, megapixels=megapixels, steps=steps, actor="x")

    assert set(caught.value.errors) == fields
    assert "Megapixely musí být číslo od 0,5 do 8 po 0,5." in caught.value.message or fields == {
        "steps"
    }
    assert callbacks == []
    assert not ColoringVersion.objects.exists()


@pytest.mark.parametrize(("megapixels", "steps"), [(0.5, 1), (8, 20), ("2.5", "8")])
def test_valid_edges_of_the_settings_are_accepted(image: Any, megapixels: Any, steps: Any) -> None:
    version = services.coloring_generate(
        image=image, megapixels=megapixels, steps=steps, actor="user:jana"
    )

    assert (version.megapixels, version.steps) == (float(megapixels), int(steps))


def test_a_photo_that_is_not_downloaded_cannot_be_coloured(db: None) -> None:
    image = factories.ImageFactory()

    with pytest.raises(ProcessingRuleError, match=r"Fotka ještě není stažená\."):
        services.coloring_generate(image=image, actor="user:jana")


def test_a_new_coloring_is_queued_on_commit_audited_and_announced(
    image: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        version = services.coloring_generate(image=image, megapixels=2, steps=8, actor="api:jana")

    assert version.status == "queued" and version.backend == "local" and version.version == 1
    assert [name for name, _ in sent_tasks(callbacks)] == ["processing.tasks.coloring_local_run"]
    event = OrderEvent.objects.get()
    assert event.actor == "api:jana"
    assert "Omalovánka v1" in event.message and "2 MP, 8 kroků, local" in event.message


def test_auto_chooses_runpod_when_its_credentials_are_set(image: Any, settings: Any) -> None:
    settings.RUNPOD_API_KEY, settings.RUNPOD_ENDPOINT_ID = "key", "endpoint"

    assert services.coloring_generate(image=image, actor="x").backend == "runpod"
    settings.COLORING_BACKEND = "local"
    assert services.coloring_generate(image=image, actor="x").backend == "local"


def test_order_coloring_takes_only_downloaded_images_without_done_or_running_colorings(
    db: None,
) -> None:
    item = factories.LineItemFactory()
    fresh = downloaded_image(line_item=item, position=1)
    done = downloaded_image(line_item=item, position=2)
    busy = downloaded_image(line_item=item, position=3)
    failed = downloaded_image(line_item=item, position=4)
    factories.ImageFactory(line_item=item, position=5)  # not downloaded
    completed_coloring(done)
    factories.ColoringVersionFactory(image=busy, status="runpod_processing")
    factories.ColoringVersionFactory(image=failed, status="error")

    created = services.order_coloring_generate(order=item.order, actor="user:jana")

    assert sorted(v.image_id for v in created) == [fresh.pk, failed.pk]
    with pytest.raises(ProcessingRuleError, match="žádná stažená fotka bez omalovánky"):
        services.order_coloring_generate(order=item.order, actor="user:jana")


def test_svg_uses_the_selected_completed_coloring_else_the_newest_completed(image: Any) -> None:
    with pytest.raises(ProcessingRuleError, match="nemá hotovou omalovánku"):
        services.svg_generate(image=image, actor="x")
    first = completed_coloring(image)
    second = completed_coloring(image)
    factories.ColoringVersionFactory(image=image, version=3, status="error")

    assert services.svg_generate(image=image, actor="x").coloring_version == second
    ColoringVersion.objects.filter(pk=first.pk).update(is_selected=True)
    assert services.svg_generate(image=image, actor="x").coloring_version == first


@pytest.mark.parametrize(
    ("options", "fields"),
    [
        ({"shape_stacking": "none"}, {"shape_stacking"}),
        ({"group_by": "shape"}, {"group_by"}),
        ({"shape_stacking": 1, "group_by": None}, {"shape_stacking", "group_by"}),
    ],
)
def test_invalid_svg_options_are_refused_before_anything_is_queued(
    image: Any, options: dict, fields: set
) -> None:
    completed_coloring(image)

    with pytest.raises(ProcessingValidationError) as caught:
        services.svg_generate(image=image, actor="x", **options)

    assert set(caught.value.errors) == fields
    assert not SvgVersion.objects.exists()


def test_order_svg_skips_images_with_done_or_running_svgs_and_without_colorings(
    db: None,
) -> None:
    item = factories.LineItemFactory()
    ready = completed_coloring(downloaded_image(line_item=item, position=1))
    has_svg = completed_coloring(downloaded_image(line_item=item, position=2))
    running = completed_coloring(downloaded_image(line_item=item, position=3))
    downloaded_image(line_item=item, position=4)  # no colouring
    factories.SvgVersionFactory(coloring_version=has_svg, status="completed")
    factories.SvgVersionFactory(coloring_version=running, status="vectorizer_processing")

    created = services.order_svg_generate(order=item.order, group_by="none", actor="x")

    assert [(v.image_id, v.coloring_version_id, v.group_by) for v in created] == [
        (ready.image_id, ready.pk, "none")
    ]
    with pytest.raises(ProcessingRuleError):
        services.order_svg_generate(order=item.order, actor="x")


def test_retry_needs_the_same_image_and_the_error_status(image: Any) -> None:
    other = factories.ColoringVersionFactory(status="error")
    running = factories.ColoringVersionFactory(image=image, version=7, status="queued")

    with pytest.raises(ProcessingRuleError, match="nepatří k této fotce"):
        services.version_retry(image=image, version=other, actor="x")
    with pytest.raises(ProcessingRuleError, match="jen verzi ve stavu Chyba"):
        services.version_retry(image=image, version=running, actor="x")


def test_retry_of_a_runpod_coloring_forgets_the_dead_job(
    image: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RUNPOD_API_KEY, settings.RUNPOD_ENDPOINT_ID = "key", "endpoint"
    version = factories.ColoringVersionFactory(
        image=image,
        status="error",
        backend="runpod",
        runpod_job_id="job-dead",
        runpod_interrupted_submits=1,
        error_message="RunPod: úloha selhala: boom",
    )

    with django_capture_on_commit_callbacks() as callbacks:
        services.version_retry(image=image, version=version, actor="user:jana")

    version.refresh_from_db()
    assert (version.status, version.runpod_job_id, version.error_message) == ("queued", "", "")
    assert version.runpod_interrupted_submits == 0
    assert "Opakováno (user:jana); předchozí chyba: RunPod: úloha selhala: boom" in (
        version.error_history
    )
    assert sent_tasks(callbacks) == [("processing.tasks.coloring_runpod_submit", (version.pk,))]


def test_selection_needs_a_completed_version_of_the_same_image(image: Any) -> None:
    completed = completed_coloring(image)
    running = factories.ColoringVersionFactory(image=image, version=2, status="queued")
    foreign = completed_coloring()

    with pytest.raises(ProcessingRuleError, match="jen dokončenou"):
        services.version_select(image=image, version=running, actor="x")
    with pytest.raises(ProcessingRuleError, match="nepatří"):
        services.version_select(image=image, version=foreign, actor="x")
    services.version_select(image=image, version=completed, actor="user:jana")
    assert ColoringVersion.objects.get(pk=completed.pk).is_selected


def test_selecting_moves_the_flag_and_is_idempotent(image: Any) -> None:
    first = completed_coloring(image, is_selected=True)
    second = completed_coloring(image)

    services.version_select(image=image, version=second, actor="user:jana")
    services.version_select(image=image, version=second, actor="user:jana")

    assert list(image.coloring_versions.filter(is_selected=True)) == [second]
    assert not ColoringVersion.objects.get(pk=first.pk).is_selected
    assert OrderEvent.objects.filter(message__endswith="vybrána", actor="user:jana").count() == 1


def test_completion_selects_only_when_no_completed_version_is_selected(image: Any) -> None:
    chosen = completed_coloring(image)
    services.version_select(image=image, version=chosen, actor="user:jana")
    first = services.coloring_generate(image=image, megapixels=0.5, actor="x")

    assert services.coloring_local_run(version_id=first.pk) == "completed"

    first.refresh_from_db()
    assert not first.is_selected  # staff's manual choice stands
    assert ColoringVersion.objects.get(pk=chosen.pk).is_selected
