"""Version admin: the retry and select actions call the services and report in Czech."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fotomalovanky.celery import app
from orders.models import OrderEvent
from processing.models import ColoringVersion
from tests import factories
from tests.processing.conftest import completed_coloring

pytestmark = pytest.mark.django_db


def act(client: Client, action: str, *versions: Any) -> str:
    response = client.post(
        reverse("admin:processing_coloringversion_changelist"),
        {"action": action, "_selected_action": [v.pk for v in versions]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_retry_action_requeues_versions_in_error_and_explains_the_rest(
    admin_client_: Client, image: Any
) -> None:
    failed = factories.ColoringVersionFactory(image=image, status="error", backend="local")
    running = factories.ColoringVersionFactory(image=image, version=2, status="queued")

    page = act(admin_client_, "retry", failed, running)

    assert "Znovu zařazeno do fronty: 1." in page
    assert "Opakovat lze jen verzi ve stavu Chyba." in page
    assert ColoringVersion.objects.get(pk=failed.pk).status == "queued"
    assert OrderEvent.objects.filter(actor="user:spravce", message__contains="opakování").exists()


def test_select_action_selects_a_completed_version(admin_client_: Client, image: Any) -> None:
    first = completed_coloring(image, is_selected=True)
    second = completed_coloring(image)

    page = act(admin_client_, "select", second)

    assert "Vybráno: 1." in page
    assert list(image.coloring_versions.filter(is_selected=True)) == [second]
    assert not ColoringVersion.objects.get(pk=first.pk).is_selected


def test_version_page_shows_history_and_runpod_figures(admin_client_: Client, image: Any) -> None:
    version = factories.ColoringVersionFactory(
        image=image,
        status="error",
        runpod_execution_ms=4321,
        error_history="2026-11-25 10:00:00 Chyba: RunPod: úloha selhala\n",
    )

    page = admin_client_.get(
        reverse("admin:processing_coloringversion_change", args=[version.pk])
    ).content.decode()

    assert "4321" in page and "RunPod: úloha selhala" in page


def test_the_recovery_sweep_is_scheduled_every_minute(settings: Any) -> None:
    app.loader.import_default_modules()  # what a worker does first: find every app's tasks
    entry = settings.CELERY_BEAT_SCHEDULE["processing-recover"]

    assert entry["schedule"] == 60.0
    assert entry["task"] in app.tasks


def test_a_failed_book_is_retried_from_its_admin_and_listed_with_its_order(
    admin_client_: Client,
) -> None:
    from processing.models import BookVersion
    from tests.processing.test_books import book_line_item

    line_item = book_line_item(1)
    book = BookVersion.objects.create(
        line_item=line_item, version=1, layout="gallery", status="error", backend="local"
    )
    changelist = reverse("admin:processing_bookversion_changelist")

    listing = admin_client_.get(changelist).content.decode()
    response = admin_client_.post(
        changelist, {"action": "retry", "_selected_action": [book.pk]}, follow=True
    )

    assert line_item.order.order_number in listing
    assert "Znovu zařazeno do fronty: 1." in response.content.decode()
    assert BookVersion.objects.get(pk=book.pk).status == "queued"
