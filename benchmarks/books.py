"""PDF books: how long a book takes to build and how large it is.

Sections (each a function called from main; add new ones beside them):

1. `book_build`: a 16-photo book from 12-megapixel photos, in the gallery and the
   full-page layout. The photos are tests/fixtures/photos/coffee-12mp.jpg in 16
   variants (turned a quarter, mirrored, cropped by a few pixels), so that no two are
   the same bytes: reportlab stores an image drawn twice only once, which would make
   a book of one photo sixteen times look small. Each variant's SVG is made once by
   the local pipeline (line art at 1 MP, vtracer), as a real order's would be. Prints
   the median of 3 builds and the spread, the page count and the PDF's size, and the
   time the 16 SVGs take to parse alone (svglib, single-threaded: the floor of a
   build). Targets: at most 5 s and at most 15 MB.

2. `zip_streaming`: an order of 40 photos of 5 MiB (200 MiB of originals; random bytes,
   as compressed photos are) downloaded as its ZIP from daphne in another process,
   read 1 MiB at a time. Prints the archive's size, the time, and how much the web
   process's peak resident memory (VmHWM) grew during the download, against what it had
   after serving the order's page once. Target: under 50 MB of growth.

Section 2 needs a database (a throw-away one is made) and, like daphne, REDIS_URL.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from _common import BASE_DIR, describe_machine, setup_django, temporary_database
from _http import daphne

PHOTO = BASE_DIR / "tests" / "fixtures" / "photos" / "coffee-12mp.jpg"
PHOTOS = 16
ROUNDS = 3
TARGET_SECONDS, TARGET_MB = 5.0, 15.0


def photo_variants(count: int) -> list[bytes]:
    """`count` different phone-sized JPEGs of the 12 MP photo, half of them portrait."""
    from PIL import Image

    source = Image.open(PHOTO)
    source.load()
    variants = []
    for index in range(count):
        image = source.crop((index * 4, index * 3, source.width - index * 2, source.height))
        if index % 2:
            image = image.transpose(Image.Transpose.ROTATE_90)
        if index % 4 >= 2:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=92)
        variants.append(buffer.getvalue())
    return variants


def book_pages(count: int) -> list[object]:
    from processing.pipeline.book import BookPage
    from processing.pipeline.lineart import line_art
    from processing.pipeline.vector import trace

    return [
        BookPage(photo, trace(line_art(photo, megapixels=1.0)), f"Fotka {number}")
        for number, photo in enumerate(photo_variants(count), start=1)
    ]


def timed_builds(pages: list[object], layout: str) -> tuple[list[float], int, int]:
    from processing.pipeline.book import book_render

    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        book = book_render(pages, layout=layout, dedication="Pro Aničku ❤", title="Omalovánky")
        times.append(time.perf_counter() - started)
    return times, book.page_count, len(book.pdf)


def svg_parsing(pages: list[object]) -> float:
    from processing.pipeline.book_inputs import colouring_read

    started = time.perf_counter()
    for page in pages:
        colouring_read(page.svg, page.label)
    return time.perf_counter() - started


def book_build() -> None:
    print(f"  book build: {PHOTOS} photos of 12 MP ({PHOTO.name}, {PHOTOS} variants)")
    pages = book_pages(PHOTOS)
    for layout in ("gallery", "fullpage"):
        times, page_count, size = timed_builds(pages, layout)
        spread = f"{min(times):.2f}–{max(times):.2f}"
        print(
            f"    {layout:8}: {statistics.median(times):5.2f} s (median of {ROUNDS}, {spread}),"
            f" {page_count} pages, {size / 1e6:5.2f} MB"
            f" (targets: {TARGET_SECONDS:g} s, {TARGET_MB:g} MB)"
        )
    print(f"    the {PHOTOS} SVGs parsed alone (svglib): {svg_parsing(pages):.2f} s")


ZIP_PHOTOS, ZIP_PHOTO_BYTES = 40, 5 * 2**20  # 40 × 5 MiB = 200 MiB of originals


def _peak_rss_mb(port: int) -> float:
    """The high-water mark of the resident memory of the daphne serving `port`."""
    import psutil

    for process in psutil.process_iter(["cmdline"]):
        if str(port) in (process.info["cmdline"] or []):
            status = Path(f"/proc/{process.pid}/status").read_text()
            kib = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
            return int(kib.split()[1]) / 1024
    raise RuntimeError("The benchmark's daphne was not found.")


def _big_order(root: Path) -> str:
    from common.storage import stored_save
    from tests.factories import ImageFactory, LineItemFactory

    line_item = LineItemFactory(order__order_number="#2000", position=1, title="Velká kniha")
    for position in range(1, ZIP_PHOTOS + 1):
        image = ImageFactory(line_item=line_item, position=position, downloaded=True)
        name = stored_save(
            f"{line_item.order_id}/{line_item.pk}/image_{position}.jpg", os.urandom(ZIP_PHOTO_BYTES)
        )
        type(image).objects.filter(pk=image.pk).update(file=name)
    return "2000"


def _download(port: int, path: str, cookie: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    assert response.status == 200, response.status
    size = 0
    while chunk := response.read(2**20):
        size += len(chunk)
    connection.close()
    return size


def zip_streaming(cookie: str) -> dict[str, float]:
    """Peak memory growth of the web process while it streams a 200 MB order's ZIP."""
    from _common import current_database_url
    from django.test import override_settings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        storage = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        }
        with override_settings(
            STORAGES={
                "default": storage,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            number = _big_order(root)
            env = {"STORAGE_BACKEND": "local", "STORAGE_PATH": str(root)}
            with daphne(current_database_url(), env) as port:
                _download(port, f"/orders/{number}/", cookie)  # warm: imports, templates, pools
                before = _peak_rss_mb(port)
                started = time.perf_counter()
                size = _download(port, f"/orders/{number}/export.zip", cookie)
                elapsed = time.perf_counter() - started
                after = _peak_rss_mb(port)
    return {"size_mb": size / 1e6, "seconds": elapsed, "before": before, "growth": after - before}


def zip_section() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_user("bench", is_staff=True))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    figures = zip_streaming(cookie)
    print(
        f"  ZIP of an order with {ZIP_PHOTOS} photos of {ZIP_PHOTO_BYTES // 2**20} MiB, from daphne"
    )
    print(
        f"    {figures['size_mb']:.0f} MB in {figures['seconds']:.1f} s"
        f" ({figures['size_mb'] / figures['seconds']:.0f} MB/s); web process peak memory"
        f" {figures['before']:.0f} MB before, grew by {figures['growth']:.1f} MB (target: < 50 MB)"
    )


def main() -> None:
    setup_django()
    print(f"books ({describe_machine()})")
    book_build()
    with temporary_database():
        zip_section()


if __name__ == "__main__":
    main()
