"""The ZIP exports: an order's files and a print batch of books, streamed as written."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from common.storage import stored_read
from common.zipstream import ZipEntry, zip_stream
from processing import services
from tests.processing.test_books import book_line_item

pytestmark = pytest.mark.django_db


def archive(response: Any) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    zipped = zipfile.ZipFile(io.BytesIO(data))
    assert zipped.testzip() is None  # every entry's CRC checks
    return zipped


def built(line_item: Any) -> Any:
    book = services.book_generate(line_item=line_item, actor="user:jana")
    services.book_build(version_id=book.pk)
    book.refresh_from_db()
    return book


def test_an_order_zip_holds_its_book_svgs_pngs_and_originals(
    staff_client: Client, any_storage: str
) -> None:
    line_item = book_line_item(2, title="Omalovánka z vlastních fotek")
    book = built(line_item)
    number = line_item.order.number

    response = staff_client.get(f"/orders/{number}/export.zip")

    zipped = archive(response)
    folder = f"{number}/1-Omalovánka z vlastních fotek"
    assert response["Content-Disposition"] == f'attachment; filename="{number}.zip"'
    assert zipped.namelist() == [
        f"{folder}/{number}-1.pdf",
        f"{folder}/svg/fotka-1.svg",
        f"{folder}/png/fotka-1.png",
        f"{folder}/originaly/fotka-1.jpg",
        f"{folder}/svg/fotka-2.svg",
        f"{folder}/png/fotka-2.png",
        f"{folder}/originaly/fotka-2.jpg",
    ]
    assert zipped.read(f"{folder}/{number}-1.pdf") == stored_read(book.file.name)
    image = line_item.images.get(position=2)
    assert zipped.read(f"{folder}/originaly/fotka-2.jpg") == stored_read(image.file.name)
    info = zipped.getinfo(f"{folder}/svg/fotka-1.svg")
    assert info.compress_type == zipfile.ZIP_DEFLATED
    assert zipped.getinfo(f"{folder}/{number}-1.pdf").compress_type == zipfile.ZIP_STORED


def test_a_print_batch_holds_the_current_book_of_each_ticked_order(staff_client: Client) -> None:
    first, second = book_line_item(1), book_line_item(1)
    built(first)
    built(second)
    unbuilt = book_line_item(1)

    response = staff_client.post(
        "/orders/print-batch.zip",
        {"orders": [first.order.pk, unbuilt.order.pk, "x", second.order.pk]},
    )

    assert response["Content-Disposition"] == 'attachment; filename="tisk.zip"'
    assert sorted(archive(response).namelist()) == sorted(
        [f"{first.order.number}-1.pdf", f"{second.order.number}-1.pdf"]
    )


def test_a_print_batch_without_books_says_so(staff_client: Client) -> None:
    line_item = book_line_item(1)

    response = staff_client.post("/orders/print-batch.zip", {"orders": [line_item.order.pk]})

    assert response.status_code == 302
    listing = staff_client.get(response["Location"]).content.decode()
    assert "Vybrané objednávky nemají žádné hotové PDF." in listing


def test_only_staff_get_exports(plain_client: Client, client: Client) -> None:
    line_item = book_line_item(1)

    for visitor in (plain_client, client):
        response = visitor.get(f"/orders/{line_item.order.number}/export.zip")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_stream_hands_on_each_chunk_as_it_is_written() -> None:
    megabyte = b"x" * 2**20
    opened: list[str] = []

    def chunks(name: str) -> Any:
        opened.append(name)
        return iter([megabyte] * 3)

    entries = [ZipEntry(f"{n}.bin", lambda n=n: chunks(n)) for n in ("a", "b")]
    stream = zip_stream(entries)

    first = next(stream)
    assert opened == ["a"]  # the second file is not opened before it is written
    rest = b"".join(stream)
    zipped = zipfile.ZipFile(io.BytesIO(first + rest))
    assert zipped.read("b.bin") == megabyte * 3
    assert len(first) < 2 * 2**20
