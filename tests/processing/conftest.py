"""Fixtures of the processing tests: the fake RunPod and Vectorizer.ai, real photos, pages."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from common.queueing import enqueue
from orders.models import Image
from processing.models import ColoringVersion
from processing.pipeline.lineart import line_art
from tests import factories
from tests.fakes import runpod as fake_runpod
from tests.fakes import vectorizer as fake_vectorizer
from tests.fakes.runpod import FakeRunPod
from tests.fakes.vectorizer import FakeVectorizer

PHOTOS = Path(__file__).resolve().parent.parent / "fixtures" / "photos"


def photo(name: str = "chelsea.jpg") -> bytes:
    return (PHOTOS / name).read_bytes()


@functools.cache
def page_png() -> bytes:
    """A real colouring page (the local filter on a real photo), made once per run."""
    return line_art(photo("astronaut.jpg"), megapixels=0.5)


def downloaded_image(name: str = "chelsea.jpg", **fields: Any) -> Image:
    """An image whose original is a real photo from tests/fixtures/photos."""
    image = factories.ImageFactory(**fields)
    image.file.save(name, ContentFile(photo(name)), save=False)
    image.downloaded_at = timezone.now()
    image.content_type = "image/jpeg"
    image.save()
    return image


def completed_coloring(image: Image | None = None, **fields: Any) -> ColoringVersion:
    """A completed colouring version with a real PNG page stored."""
    image = image or downloaded_image()
    number = fields.pop("version", None) or image.coloring_versions.count() + 1
    version = factories.ColoringVersionFactory(
        image=image, version=number, status="completed", backend="local", **fields
    )
    version.file.save("page.png", ContentFile(page_png()), save=True)
    return version


@pytest.fixture
def runpod(settings: Any) -> Iterator[FakeRunPod]:
    """The fake RunPod, with the settings pointing at it and RunPod chosen."""
    fake = FakeRunPod().start()
    settings.RUNPOD_API_URL = fake.api_url
    settings.RUNPOD_API_KEY = fake_runpod.API_KEY
    settings.RUNPOD_ENDPOINT_ID = fake_runpod.ENDPOINT
    settings.COLORING_BACKEND = "auto"
    yield fake
    fake.stop()


@pytest.fixture
def vectorizer(settings: Any) -> Iterator[FakeVectorizer]:
    """The fake Vectorizer.ai, with the settings pointing at it (mode test)."""
    fake = FakeVectorizer(slow_seconds=2.0).start()
    settings.VECTORIZER_URL = fake.endpoint_url
    settings.VECTORIZER_API_KEY = fake_vectorizer.API_ID
    settings.VECTORIZER_API_SECRET = fake_vectorizer.API_SECRET
    settings.VECTORIZER_MODE = "test"
    settings.VECTORIZE_BACKEND = "auto"
    yield fake
    fake.stop()


@pytest.fixture
def image(db: None) -> Image:
    return downloaded_image()


def sent_tasks(callbacks: list[Any]) -> list[tuple[str, tuple]]:
    """(task name, args) of the tasks that captured on-commit callbacks would send."""
    return [
        (callback.args[0], tuple(callback.args[1:]))
        for callback in callbacks
        if getattr(callback, "func", None) is enqueue
    ]
