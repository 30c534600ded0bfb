"""The whole chain on real parts, once on local disk and once in an S3 bucket.

A signed webhook is posted to the app served by daphne; Celery workers in processes of
their own import the order and download its photos; staff ask for the colourings
(fake RunPod) and the SVGs (fake Vectorizer.ai) through the API; daphne then serves a
finished SVG. With S3 the web process and the workers get different data folders, so
anything that relied on a shared disk would fail here, and neither folder holds a file
afterwards: everything is in the bucket.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from fotomalovanky.api.auth import api_token_issue
from orders.models import Image, Order
from orders.services.holds import order_hold_confirm
from processing.models import ColoringVersion, SvgVersion
from tests.conftest import broker_reset
from tests.fakes import runpod as fake_runpod
from tests.fakes import vectorizer as fake_vectorizer
from tests.fakes.photos import PHOTOS, FakePhotoHost
from tests.fakes.runpod import FakeRunPod
from tests.fakes.shopify import fixture, webhook_headers
from tests.fakes.vectorizer import FakeVectorizer
from tests.live import DaphneServer, Workers, daphne, database_url
from tests.processing.test_integration import wait_for
from tests.s3 import S3Bucket

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
API_SECRET = "end-to-end-api-secret-0123456789-abcdefghij"


@dataclass
class Stack:
    web: DaphneServer
    token: str
    folders: dict[str, Path]  # each process's data folder
    bucket: S3Bucket | None
    photo_host: FakePhotoHost
    runpod: FakeRunPod
    vectorizer: FakeVectorizer

    def post(self, path: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return requests.post(f"{self.web.url}{path}", headers=headers, timeout=30)

    def get(self, path: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return requests.get(f"{self.web.url}{path}", headers=headers, timeout=30)


def fakes_env(photo_host: FakePhotoHost, runpod: FakeRunPod, vectorizer: FakeVectorizer) -> dict:
    return {
        "PHOTO_ALLOW_PRIVATE_HOSTS": "true",
        "RUNPOD_API_URL": runpod.api_url,
        "RUNPOD_API_KEY": fake_runpod.API_KEY,
        "RUNPOD_ENDPOINT_ID": fake_runpod.ENDPOINT,
        "RUNPOD_POLL_INTERVAL": "0.2",
        "VECTORIZER_URL": vectorizer.endpoint_url,
        "VECTORIZER_API_KEY": fake_vectorizer.API_ID,
        "VECTORIZER_API_SECRET": fake_vectorizer.API_SECRET,
        "VECTORIZER_MODE": "test",
    }


def folder_env(folder: Path, backend: str, bucket: S3Bucket | None) -> dict[str, str]:
    env = {"DATA_DIR": str(folder), "STORAGE_PATH": str(folder / "images")}
    return {**env, **(bucket.env() if bucket else {"STORAGE_BACKEND": backend})}


@pytest.fixture(params=["local", "s3"])
def stack(
    request: pytest.FixtureRequest,
    storage: Path,
    settings: Any,
    tmp_path: Path,
    staff_user: Any,
) -> Iterator[Stack]:
    backend = str(request.param)
    bucket: S3Bucket | None = request.getfixturevalue("s3") if backend == "s3" else None
    shared = tmp_path / "shared"
    # Local disk is shared by design (the embedded default); S3 must need no shared disk.
    folders = {
        "web": tmp_path / "web" if bucket else shared,
        "worker": tmp_path / "worker" if bucket else shared,
    }
    photo_host = FakePhotoHost().start()
    runpod, vectorizer = FakeRunPod().start(), FakeVectorizer().start()
    common = {
        "DJANGO_SETTINGS_MODULE": "fotomalovanky.settings_test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "API_JWT_SECRET": API_SECRET,
        **fakes_env(photo_host, runpod, vectorizer),
    }
    settings.API_JWT_SECRET = API_SECRET
    settings.STORAGE_PATH = folders["web"] / "images"  # where this test looks for files
    broker_reset()
    workers = Workers(
        {**os.environ, **common, **folder_env(folders["worker"], backend, bucket)},
        log=tmp_path / "worker.log",
    )
    workers.start()
    web_env = {**common, **folder_env(folders["web"], backend, bucket)}
    try:
        with daphne(
            settings_module="fotomalovanky.settings_test", env=web_env, log=tmp_path / "web.log"
        ) as web:
            token = api_token_issue(username=staff_user.username, days=1)
            yield Stack(web, token, folders, bucket, photo_host, runpod, vectorizer)
    finally:
        workers.stop_all()
        broker_reset()
        for fake in (photo_host, runpod, vectorizer):
            fake.stop()


def post_webhook(stack: Stack) -> requests.Response:
    payload = fixture("webhook_order.json", stack.photo_host.url_for("/photos"))
    body = json.dumps(payload).encode()
    headers = webhook_headers(
        body, secret="test-webhook-secret", topic="orders/create", webhook_id="wh-e2e"
    )
    return requests.post(
        f"{stack.web.url}/api/v1/webhooks/shopify", data=body, headers=headers, timeout=10
    )


def every(model: Any, status: str, count: int) -> Callable[[], bool]:
    def check() -> bool:
        statuses = list(model.objects.values_list("status", flat=True))
        assert "error" not in statuses, list(model.objects.values_list("error_message"))
        return statuses.count(status) == count

    return check


def stored_files(folder: Path) -> list[Path]:
    return [path for path in (folder / "images").rglob("*") if path.is_file()]


def test_a_signed_webhook_ends_with_every_page_as_svg_served_by_the_web(stack: Stack) -> None:
    assert post_webhook(stack).status_code == 200
    wait_for(lambda: Order.objects.filter(status="ready_for_review").exists())
    order = Order.objects.get()
    assert Image.objects.filter(downloaded_at__isnull=False).count() == 2
    # The sample photos are under 600 px on their short side: the intake check holds the
    # order, and staff confirm "Generovat i tak".
    wait_for(lambda: Order.objects.filter(intake_checked_at__isnull=False).exists())
    assert Order.objects.get().intake_held
    order_hold_confirm(order_id=order.pk, actor="user:test")

    assert stack.post(f"/api/v1/orders/{order.number}/generate-coloring").status_code == 200
    wait_for(every(ColoringVersion, "completed", 2))
    assert stack.post(f"/api/v1/orders/{order.number}/generate-svg").status_code == 200
    wait_for(every(SvgVersion, "completed", 2))

    svg = SvgVersion.objects.select_related("image").order_by("image__position").first()
    assert svg is not None
    served = stack.get(f"/media/{svg.file.name}")
    assert served.status_code == 200 and served.content.startswith(b"<svg")
    original = stack.get(f"/media/{svg.image.file.name}")
    assert original.content == (PHOTOS / "chelsea.jpg").read_bytes()
    assert len(stack.runpod.submissions) == 2
    assert len(stack.vectorizer.received) == 2

    names = sorted(
        [f.name for i in Image.objects.all() for f in (i.file, i.preview)]
        + [v.file.name for v in ColoringVersion.objects.all()]
        + [v.file.name for v in SvgVersion.objects.all()]
    )
    if stack.bucket is not None:
        assert stack.bucket.keys() == names
        assert stored_files(stack.folders["web"]) == []
        assert stored_files(stack.folders["worker"]) == []
    else:
        assert (
            sorted(
                str(p.relative_to(stack.folders["web"] / "images"))
                for p in stored_files(stack.folders["web"])
            )
            == names
        )
