"""A new kind of version is one declaration: the state, enqueue, retry, failure and
recovery code handle it unchanged (tests/throwaway/ holds its model and task)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fotomalovanky.celery import app
from orders.models import OrderEvent
from processing import services
from processing.kinds import (
    COLORING,
    KINDS,
    SVG,
    Resume,
    Stale,
    VersionKind,
    kind_declare,
    kind_forget,
)
from processing.models import STARTABLE
from processing.signals import version_changed
from tests.processing.conftest import downloaded_image, sent_tasks
from tests.throwaway.models import StickerStatus, StickerVersion
from tests.throwaway.tasks import STICKER_SVG, sticker_cut

CUT = "tests.throwaway.tasks.sticker_cut"


@pytest.fixture
def sticker() -> Iterator[VersionKind]:
    kind = kind_declare(
        VersionKind(
            name="sticker",
            label="Samolepka",
            model=StickerVersion,
            parent="image",
            order_path="image__line_item__order",
            title="Samolepka v{v.version} (fotka {v.image.position})",
            path="{v.image.line_item.order_id}/stickers/v{v.version}/sticker_{v.image.position}.svg",
            start={"local": CUT},
            choose_backend=lambda: "local",
            stale=(
                Stale(STARTABLE, "PROCESSING_STALE_QUEUED", Resume.REQUEUE),
                Stale(
                    frozenset({StickerStatus.CUTTING}), "PROCESSING_STALE_RUNNING", Resume.RESTART
                ),
            ),
            event_type="sticker_status",
        )
    )
    yield kind
    kind_forget("sticker")


@pytest.fixture
def events() -> Iterator[list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def receive(sender: object, event: dict[str, Any], **kwargs: Any) -> None:
        seen.append(event)

    version_changed.connect(receive, dispatch_uid="test-kinds")
    yield seen
    version_changed.disconnect(dispatch_uid="test-kinds")


def _start(image: Any, kind: VersionKind, callbacks_fixture: Any) -> tuple[Any, list]:
    with callbacks_fixture(execute=True) as callbacks:
        version = services.version_create(kind=kind, parent=image, backend="local")
        services.version_start(version, actor="user:jana", note="nová")
    return version, sent_tasks(callbacks)


def _age(version: Any, seconds: int) -> None:
    past = timezone.now() - timedelta(seconds=seconds)
    StickerVersion.objects.filter(pk=version.pk).update(updated_at=past)


def test_a_declared_kind_goes_through_create_claim_complete_and_its_event(
    db: None, sticker: VersionKind, events: list, django_capture_on_commit_callbacks: Any
) -> None:
    image = downloaded_image()
    version, sent = _start(image, sticker, django_capture_on_commit_callbacks)
    assert (version.version, version.status) == (1, "queued")
    assert sent == [(CUT, (version.pk,))]

    with django_capture_on_commit_callbacks(execute=True):
        assert sticker_cut.apply(args=[version.pk]).get() == "completed"
    version.refresh_from_db()
    assert version.status == "completed" and version.is_selected
    order = image.line_item.order
    assert version.file.name == f"{order.pk}/stickers/v1/sticker_{image.position}.svg"
    with version.file.open("rb") as stored:
        assert stored.read() == STICKER_SVG
    assert [e["status"] for e in events] == ["queued", "cutting", "completed"]
    assert events[-1] == {
        "type": "sticker_status",
        "order_number": order.number,
        "image_id": image.pk,
        "version_id": version.pk,
        "status": "completed",
    }
    trail = list(OrderEvent.objects.filter(order=order).values_list("message", flat=True))
    assert f"Samolepka v1 (fotka {image.position}): hotovo, vybrána" in trail
    # A second version is numbered per parent, race-free as the others.
    again, _ = _start(image, sticker, django_capture_on_commit_callbacks)
    assert again.version == 2


def test_a_declared_kind_fails_through_the_task_handler_and_is_retried(
    db: None, sticker: VersionKind, events: list, django_capture_on_commit_callbacks: Any
) -> None:
    image = downloaded_image()
    version, _ = _start(image, sticker, django_capture_on_commit_callbacks)
    StickerVersion.objects.filter(pk=version.pk).update(fail_with="Nůž je tupý.")

    with django_capture_on_commit_callbacks(execute=True):
        sticker_cut.apply(args=[version.pk])
    version.refresh_from_db()
    assert (version.status, version.error_message) == ("error", "Nůž je tupý.")
    assert events[-1]["status"] == "error"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.version_retry(image=image, version=version, actor="user:jana")
    version.refresh_from_db()
    assert (version.status, version.error_message) == ("queued", "")
    assert "předchozí chyba: Nůž je tupý." in version.error_history
    assert sent_tasks(callbacks) == [(CUT, (version.pk,))]


def test_the_recovery_sweep_resumes_a_declared_kind(
    db: None, sticker: VersionKind, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    image = downloaded_image()
    lost, _ = _start(image, sticker, django_capture_on_commit_callbacks)
    cut_off, _ = _start(image, sticker, django_capture_on_commit_callbacks)
    StickerVersion.objects.filter(pk=cut_off.pk).update(status=StickerStatus.CUTTING)
    _age(lost, settings.PROCESSING_STALE_QUEUED + 5)
    _age(cut_off, settings.PROCESSING_STALE_RUNNING + 5)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lines = services.processing_recover()
    assert sorted(sent_tasks(callbacks)) == sorted([(CUT, (lost.pk,)), (CUT, (cut_off.pk,))])
    number = image.line_item.order.order_number
    assert f"{number} · Samolepka v1 (fotka {image.position}): znovu zařazena do fronty" in lines
    assert any("Samolepka v2" in line and "spuštěno znovu" in line for line in lines)
    cut_off.refresh_from_db()
    assert (cut_off.status, cut_off.recoveries) == ("queued", 1)
    # Stopped with the task's failure handler when the version is gone.
    assert services.version_task_failed(kind="sticker", version_id=10**9, exc=None) == "missing"


def test_every_declared_task_exists_and_every_kind_has_its_own_model() -> None:
    assert set(KINDS) >= {"coloring", "svg"}
    for kind in (COLORING, SVG):
        for task in kind.start.values():
            assert task in app.tasks, task
        assert kind.status is kind.model.Status
        assert kind.in_progress == frozenset(kind.status.values) - {"completed", "error"}
    assert COLORING.model is not SVG.model
