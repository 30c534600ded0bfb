"""The file storage goes away mid-step (a real S3 endpoint behind a proxy that is cut).

The version's card says why it waits, nothing is failed for it, nothing paid is paid
for again, and once the endpoint is back the recovery sweep gets the version done on a
real worker. A missing object, which no retry can bring back, is a clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from common.storage import stored_delete
from orders.models import Image
from processing import services, tasks
from processing.errors import StorageUnavailableError
from processing.models import ColoringVersion, SvgVersion
from tests.fakes.runpod import FakeRunPod
from tests.fakes.vectorizer import FakeVectorizer
from tests.processing.conftest import completed_coloring, downloaded_image
from tests.processing.test_integration import final, wait_for
from tests.s3 import S3Bucket

pytestmark = pytest.mark.django_db(transaction=True)
AWAY = "Úložiště souborů je nedostupné"


def card(client: Client, image: Image) -> str:
    return client.get(f"/orders/{image.line_item.order.number}/").content.decode()


def local_coloring(settings: Any) -> ColoringVersion:
    settings.COLORING_BACKEND = "local"
    return services.coloring_generate(image=downloaded_image(), actor="user:jana")


def test_a_step_without_its_storage_waits_with_the_reason_on_its_card(
    s3_proxied: S3Bucket, settings: Any, staff_client: Client
) -> None:
    version = local_coloring(settings)
    s3_proxied.proxy.cut()

    with pytest.raises(StorageUnavailableError):
        services.coloring_local_run(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == "queued"
    assert version.error_message.startswith("Zpracování selhalo, zkusí se znovu: " + AWAY)
    assert "zkusí se znovu" in card(staff_client, version.image)


def test_when_retries_run_out_the_version_is_left_for_the_sweep_which_finishes_it(
    s3_proxied: S3Bucket, settings: Any, request: pytest.FixtureRequest
) -> None:
    version = local_coloring(settings)
    s3_proxied.proxy.cut()

    # The task with its retries, run here: every attempt meets the storage away.
    tasks.coloring_local_run.apply(args=[version.pk])

    version.refresh_from_db()
    assert version.status == "queued", version.error_message  # not failed: not its fault
    assert AWAY in version.error_message

    s3_proxied.proxy.restore()
    # Only now a worker: started earlier it would take the version's message itself.
    request.getfixturevalue("celery_worker")
    settings.PROCESSING_STALE_QUEUED = 0
    assert len(services.processing_recover()) == 1
    wait_for(final(ColoringVersion, version.pk))
    version.refresh_from_db()
    assert version.status == "completed", version.error_message
    assert version.error_message == ""


def test_a_runpod_page_that_cannot_be_stored_is_fetched_again_not_paid_again(
    s3_proxied: S3Bucket, runpod: FakeRunPod, staff_client: Client
) -> None:
    runpod.script_next("COMPLETED", "COMPLETED")  # done at the first poll, and still after
    version = services.coloring_generate(image=downloaded_image(), actor="user:jana")
    services.coloring_runpod_submit(version_id=version.pk)
    version.refresh_from_db()
    s3_proxied.proxy.cut()

    with pytest.raises(StorageUnavailableError):
        services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)

    version.refresh_from_db()
    assert version.status == "runpod_submitted"
    assert version.error_message.startswith("Hotovou omalovánku nelze uložit")
    assert "Hotovou omalovánku nelze uložit" in card(staff_client, version.image)

    s3_proxied.proxy.restore()
    services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)

    version.refresh_from_db()
    assert version.status == "completed" and version.error_message == ""
    assert len(runpod.submissions) == 1


def test_a_paid_svg_that_cannot_be_stored_is_stored_later_without_a_second_call(
    s3_proxied: S3Bucket, vectorizer: FakeVectorizer
) -> None:
    coloring = completed_coloring()
    version = services.svg_generate(image=coloring.image, actor="user:jana")
    vectorizer.on_charged = s3_proxied.proxy.cut  # gone between the paid call and the store

    with pytest.raises(StorageUnavailableError):
        services.svg_vectorizer_run(version_id=version.pk)
    version.refresh_from_db()
    assert version.status == "queued" and AWAY in version.error_message

    s3_proxied.proxy.restore()
    assert services.svg_vectorizer_run(version_id=version.pk) == "completed"

    version.refresh_from_db()
    assert version.status == "completed" and version.file.name.endswith(".svg")
    assert len(vectorizer.received) == 1
    assert services.svg_vectorizer_run(version_id=version.pk) == "skipped-completed"


@pytest.mark.parametrize(
    ("make", "task"),
    [
        (lambda s: local_coloring(s), tasks.coloring_local_run),
        (lambda s: _local_svg(s), tasks.svg_local_run),
    ],
)
def test_a_missing_input_object_is_a_clear_error_on_the_card(
    s3: Any, settings: Any, staff_client: Client, make: Callable[[Any], Any], task: Any
) -> None:
    version = make(settings)
    stored_delete(_input_of(version))

    task.apply(args=[version.pk])

    version.refresh_from_db()
    assert version.status == "error"
    assert "chybí v úložišti" in version.error_message
    assert "chybí v úložišti" in card(staff_client, version.image)


def _local_svg(settings: Any) -> SvgVersion:
    settings.VECTORIZE_BACKEND = "local"
    coloring = completed_coloring()
    return services.svg_generate(image=coloring.image, actor="user:jana")


def _input_of(version: Any) -> str:
    if isinstance(version, SvgVersion):
        return str(version.coloring_version.file.name)
    return str(version.image.file.name)
