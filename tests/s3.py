"""A real S3-compatible endpoint for tests: moto's standalone server on a free port.

It speaks S3 over HTTP like any bucket service does, so django-storages and boto3 run
unchanged against it. Each test gets a bucket of its own (`S3Bucket`), and child
processes (workers, daphne) get the same bucket through `env()`.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import boto3
import requests

from tests.fakes.tcp_proxy import TcpProxy
from tests.live import free_port, stop_process_group

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
# What the settings default to (Cloudflare R2 wants "auto"); moto accepts it too.
REGION = "auto"


class S3Server:
    """`moto_server` in a process of its own, on 127.0.0.1."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = str(Path(sys.executable).parent / "moto_server")
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [binary, "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited:\n{self.log.read_text()}")
            try:
                requests.get(self.url, timeout=0.5)
                return
            # A busy machine: moto accepts, then takes its time over the first answer.
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.05)
        raise RuntimeError(f"moto_server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process_group(self.proc)
        self.client.close()

    @cached_property
    def client(self) -> Any:
        """The test's own client, for looking into buckets past the code under test."""
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )

    def bucket(self, proxy: TcpProxy | None = None) -> S3Bucket:
        """A new, empty bucket; with `proxy`, the code under test reaches it through that."""
        name = f"photos-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        endpoint = f"http://127.0.0.1:{proxy.port}" if proxy else self.url
        return S3Bucket(server=self, name=name, endpoint=endpoint, proxy=proxy)


@dataclass(frozen=True)
class S3Bucket:
    server: S3Server
    name: str
    endpoint: str
    # Cut it to take the endpoint away from the code under test (not from the test).
    proxy: TcpProxy | None = None

    def keys(self) -> list[str]:
        answer = self.server.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def read(self, key: str) -> bytes:
        body: bytes = self.server.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return body

    def delete(self, key: str) -> None:
        self.server.client.delete_object(Bucket=self.name, Key=key)

    def acl_grants(self, key: str) -> list[dict[str, Any]]:
        grants: list[dict[str, Any]] = self.server.client.get_object_acl(Bucket=self.name, Key=key)[
            "Grants"
        ]
        return grants

    def storage(self) -> dict[str, object]:
        """The STORAGES["default"] entry for this bucket, built the way settings build it."""
        from fotomalovanky.settings import s3_options

        options = s3_options(
            bucket_name=self.name,
            endpoint_url=self.endpoint,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            region_name=REGION,
        )
        return {"BACKEND": "common.storage.BucketStorage", "OPTIONS": options}

    def env(self) -> dict[str, str]:
        """The settings a child process needs to use this bucket."""
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT": self.endpoint,
            "S3_BUCKET": self.name,
            "S3_ACCESS_KEY": ACCESS_KEY,
            "S3_SECRET_KEY": SECRET_KEY,
            "S3_REGION": REGION,
        }


@contextmanager
def s3_server(log: Path) -> Iterator[S3Server]:
    server = S3Server(log)
    server.start()
    try:
        yield server
    finally:
        server.stop()
