"""RunPod colouring: submission, the poll chain and every answer the fake can give."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from PIL import Image as PILImage

from orders.models import OrderEvent
from processing import services
from processing.errors import ProcessingPermanentError, ProcessingTransientError
from processing.models import ColoringVersion
from tests.fakes.runpod import FakeRunPod

pytestmark = pytest.mark.django_db


def new_version(image: Any) -> ColoringVersion:
    return services.coloring_generate(image=image, actor="user:jana")


def submitted(image: Any, runpod: FakeRunPod, *script: Any) -> ColoringVersion:
    """A new version whose RunPod job (answering `script`) has been submitted."""
    if script:
        runpod.script_next(*script)
    version = new_version(image)
    services.coloring_runpod_submit(version_id=version.pk)
    version.refresh_from_db()
    return version


def poll_after_deadline(version: ColoringVersion, settings: Any) -> str:
    later = timezone.now() + timedelta(seconds=settings.RUNPOD_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        return services.coloring_runpod_poll(
            version_id=version.pk, poll_seq=version.runpod_poll_seq
        )


def poll_until_final(version: ColoringVersion, limit: int = 20) -> list[str]:
    """Run the poll chain by hand (no worker): each poll with the sequence it is due."""
    outcomes = []
    for _ in range(limit):
        version.refresh_from_db()
        if version.is_final:
            return outcomes
        outcomes.append(
            services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)
        )
    raise AssertionError(f"not final after {limit} polls: {outcomes}")


def test_it_submits_once_and_polls_through_queue_and_progress_to_completed(
    image: Any, runpod: FakeRunPod, django_capture_on_commit_callbacks: Any
) -> None:
    version = new_version(image)
    assert version.backend == "runpod"

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.coloring_runpod_submit(version_id=version.pk) == "submitted"
    version.refresh_from_db()
    assert version.status == "runpod_submitted"
    assert version.runpod_job_id == runpod.submissions[0].id
    assert version.runpod_submit_attempts == 1
    poll = [cb for cb in callbacks if "coloring_runpod_poll" in repr(cb)]
    assert len(poll) == 1 and poll[0].keywords["countdown"] == 3.0

    seen = []
    for _ in range(4):
        services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)
        version.refresh_from_db()
        seen.append(version.status)
    assert seen == ["runpod_queued", "runpod_queued", "runpod_processing", "runpod_processing"]

    assert poll_until_final(version) == ["completed"]
    version.refresh_from_db()
    assert version.status == "completed"
    assert version.is_selected
    assert version.runpod_execution_ms == 4321
    assert version.file.name.endswith(f"/coloring/v1/image_{image.position}.png")
    with version.file.open("rb") as stored:
        assert PILImage.open(io.BytesIO(stored.read())).format == "PNG"
    assert len(runpod.submissions) == 1
    submitted = runpod.submissions[0].input
    assert (submitted["megapixels"], submitted["steps"]) == (1.0, 4)
    assert OrderEvent.objects.filter(message__contains="hotovo, vybrána").count() == 1


def test_the_input_is_upright_rgb_and_at_least_min_image_size(
    db: None, runpod: FakeRunPod, settings: Any
) -> None:
    from tests.processing.conftest import downloaded_image

    image = downloaded_image("chelsea-exif-orientation-6.jpg")
    version = new_version(image)

    services.coloring_runpod_submit(version_id=version.pk)

    import base64

    sent = PILImage.open(io.BytesIO(base64.b64decode(runpod.submissions[0].input["image"])))
    # Stored 300×451 rotated; upright it is landscape 451×300, scaled to 1200 wide.
    assert sent.size == (1200, 798)
    assert sent.mode == "RGB"


def test_the_nested_output_shape_is_understood(image: Any, runpod: FakeRunPod) -> None:
    runpod.script_next("IN_PROGRESS", "NESTED")
    version = new_version(image)
    services.coloring_runpod_submit(version_id=version.pk)

    poll_until_final(version)

    version.refresh_from_db()
    assert version.status == "completed"


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (("FAILED",), "RunPod: úloha selhala: CUDA out of memory"),
        (("CANCELLED",), "RunPod: úloha byla zrušena."),
        (("TIMED_OUT",), "RunPod: úloha vypršela (TIMED_OUT)"),
        (("WEIRD",), "RunPod vrátil neznámý stav „PAUSED“."),
        (("NO_IMAGE",), "RunPod dokončil úlohu, ale nevrátil obrázek."),
    ],
)
def test_a_job_that_ends_badly_sets_error_with_runpods_words(
    image: Any, runpod: FakeRunPod, script: tuple[str, ...], message: str
) -> None:
    runpod.script_next("IN_QUEUE", *script)
    version = new_version(image)
    services.coloring_runpod_submit(version_id=version.pk)

    assert poll_until_final(version)[-1] == "failed"

    version.refresh_from_db()
    assert version.status == "error"
    assert message in version.error_message
    assert message in version.error_history


def test_a_completed_job_whose_image_is_not_a_png_raises_permanent(
    image: Any, runpod: FakeRunPod
) -> None:
    version = submitted(image, runpod, "BAD_IMAGE")

    with pytest.raises(ProcessingPermanentError, match="PNG"):
        services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)


@pytest.mark.parametrize(("step", "error"), [(500, ProcessingTransientError), ("DROP", None)])
def test_status_errors_are_transient_and_the_same_poll_can_run_again(
    image: Any, runpod: FakeRunPod, step: Any, error: Any
) -> None:
    version = submitted(image, runpod, step, "COMPLETED")
    seq = version.runpod_poll_seq

    with pytest.raises(ProcessingTransientError):
        services.coloring_runpod_poll(version_id=version.pk, poll_seq=seq)

    # The retry carries the same sequence number, and it still counts.
    assert services.coloring_runpod_poll(version_id=version.pk, poll_seq=seq) == "completed"


def test_an_expired_job_404_is_permanent(image: Any, runpod: FakeRunPod) -> None:
    version = submitted(image, runpod, 404)

    with pytest.raises(ProcessingPermanentError, match="nezná"):
        services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)


def test_a_job_that_never_finishes_is_cancelled_after_runpod_timeout(
    image: Any, runpod: FakeRunPod, settings: Any
) -> None:
    version = submitted(image, runpod, "IN_PROGRESS")  # for ever
    services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)
    version.refresh_from_db()

    outcome = poll_after_deadline(version, settings)

    assert outcome == "timed-out"
    version.refresh_from_db()
    assert version.status == "error"
    assert "nedokončil do 600 s" in version.error_message
    assert runpod.cancels == [version.runpod_job_id]


def test_a_job_found_completed_after_the_deadline_is_still_taken(
    image: Any, runpod: FakeRunPod, settings: Any
) -> None:
    version = submitted(image, runpod, "COMPLETED")

    outcome = poll_after_deadline(version, settings)

    assert outcome == "completed" and runpod.cancels == []


def test_the_deadline_holds_while_the_status_endpoint_is_down(
    image: Any, runpod: FakeRunPod, settings: Any
) -> None:
    version = submitted(image, runpod, 500)

    outcome = poll_after_deadline(version, settings)

    assert outcome == "timed-out"
    assert ColoringVersion.objects.get(pk=version.pk).status == "error"
