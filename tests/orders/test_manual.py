"""Manual orders (orders/services/manual.py): checked uploads, one transaction, #M numbers."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from common.storage import StorageUnavailable
from fotomalovanky.celery import app
from orders.errors import ManualOrderInvalid
from orders.models import (
    LAYOUT_FULLPAGE,
    LAYOUT_GALLERY,
    DraftPhoto,
    Image,
    LineItem,
    ManualOrderSequence,
    Order,
    OrderEvent,
)
from orders.services import manual
from orders.services.manual import (
    ManualItem,
    ManualOrder,
    manual_drafts_expire,
    manual_order_create,
    manual_photos_keep,
)
from orders.signals import order_changed
from orders.tasks import manual_drafts_expire as manual_drafts_expire_task
from tests.factories import OrderFactory
from tests.fakes.photos import PHOTOS

pytestmark = pytest.mark.django_db
ACTOR = "user:pracovnice"


def upload(name: str, as_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(as_name or name, (PHOTOS / name).read_bytes())


def item(*files: str, **fields: Any) -> ManualItem:
    values = {
        "title": "Omalovánka z vlastních fotek",
        "variant_title": "Omalovánka z vlastních fotek / 4",
        "dedication": "Pro Aničku k narozeninám",
        "layout": LAYOUT_GALLERY,
        "quantity": "2",
        **fields,
    }
    return ManualItem(**values, uploads=[upload(name) for name in files])


def order_data(*items: ManualItem, **fields: Any) -> ManualOrder:
    values = {"customer_name": "Jana Nováková", "customer_email": "jana@example.cz", **fields}
    return ManualOrder(draft=uuid.uuid4(), items=list(items), **values)


def stored(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return bytes(handle.read())


def nothing_created() -> bool:
    return not (Order.objects.exists() or LineItem.objects.exists() or Image.objects.exists())


def test_a_valid_order_is_stored_downloaded_and_ready_for_review(
    django_capture_on_commit_callbacks: Any,
) -> None:
    sent: list[dict[str, Any]] = []
    order_changed.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="t-manual")
    data = order_data(
        item("chelsea.jpg", "rocket.png"),
        item("coffee.jpg", layout=LAYOUT_FULLPAGE, variant_title="Omalovánka / 1", dedication=""),
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order = manual_order_create(data=data, actor=ACTOR)
    finally:
        order_changed.disconnect(dispatch_uid="t-manual")

    assert (order.order_number, order.number, order.shopify_id) == ("#M1000", "M1000", None)
    assert order.is_manual and order.status == Order.Status.READY_FOR_REVIEW
    assert (order.customer_name, order.customer_email) == ("Jana Nováková", "jana@example.cz")
    first, second = order.line_items.order_by("position")
    assert (first.position, first.title, first.variant_title, first.quantity) == (
        1,
        "Omalovánka z vlastních fotek",
        "Omalovánka z vlastních fotek / 4",
        2,
    )
    assert (first.dedication, first.layout, first.shopify_line_item_id) == (
        "Pro Aničku k narozeninám",
        LAYOUT_GALLERY,
        None,
    )
    assert second.layout == LAYOUT_FULLPAGE
    images = list(Image.objects.filter(line_item=first).order_by("position"))
    assert [(i.position, i.content_type, i.width, i.height) for i in images] == [
        (1, "image/jpeg", 451, 300),
        (2, "image/png", 640, 427),
    ]
    assert images[0].file.name == f"{order.pk}/{first.pk}/image_1.jpg"
    assert images[1].file.name == f"{order.pk}/{first.pk}/image_2.png"
    assert stored(images[0].file.name) == (PHOTOS / "chelsea.jpg").read_bytes()
    assert all(i.is_downloaded and i.sha256 and i.size and i.original_url == "" for i in images)
    assert PILImage.open(io.BytesIO(stored(images[0].preview.name))).format == "JPEG"
    assert DraftPhoto.objects.count() == 0
    assert default_storage.listdir(f"drafts/{data.draft}") == ([], [])
    transitions = OrderEvent.objects.filter(order=order, to_status="ready_for_review")
    assert [(e.from_status, e.actor) for e in transitions] == [("pending", ACTOR)]
    assert OrderEvent.objects.filter(message="Ruční objednávka vytvořena").exists()
    assert {"order_number": "M1000", "created": True}.items() <= sent[0].items()


def test_numbers_follow_one_another_and_start_past_any_in_use() -> None:
    OrderFactory(order_number="#M1041", shopify_id=None)  # a counter that was lost

    numbers = [
        manual_order_create(data=order_data(item("chelsea.jpg")), actor=ACTOR).order_number
        for _ in range(2)
    ]

    assert numbers == ["#M1042", "#M1043"]
    assert ManualOrderSequence.objects.get().next_value == 1044


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-an-image.jpg", "„dovolena.pdf“: Soubor není obrázek"),
        ("truncated.jpg", "„dovolena.pdf“: Obrázek je poškozený nebo neúplný"),
        ("bomb-400mp.png", "„dovolena.pdf“: Obrázek má víc než 100 megapixelů"),
    ],
)
def test_a_bad_file_is_refused_by_name_and_nothing_is_created(name: str, message: str) -> None:
    data = order_data(item("chelsea.jpg"))
    data.items[0].uploads.append(upload(name, as_name="dovolena.pdf"))

    with pytest.raises(ManualOrderInvalid) as refused:
        manual_order_create(data=data, actor=ACTOR)

    assert refused.value.errors == {}
    assert refused.value.item_errors[0]["photos"][0].startswith(message)
    assert nothing_created()
    assert not ManualOrderSequence.objects.exists()
    # The good photo waits in the draft: the form shows it again, no need to choose it again.
    kept = DraftPhoto.objects.get()
    assert (kept.name, data.items[0].photos, data.items[0].uploads) == (
        "chelsea.jpg",
        [kept.pk],
        [],
    )


def test_a_file_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.PHOTO_MAX_BYTES = 64 * 1024
    data = order_data(item("coffee.jpg"))

    with pytest.raises(ManualOrderInvalid) as refused:
        manual_order_create(data=data, actor=ACTOR)

    assert refused.value.item_errors[0]["photos"] == [
        "„coffee.jpg“: Fotka je větší než povolených 0.0625 MB.",
    ]
    assert nothing_created() and not DraftPhoto.objects.exists()


def test_an_empty_file_is_refused() -> None:
    data = order_data(item())
    data.items[0].uploads = [SimpleUploadedFile("prazdna.jpg", b"")]

    with pytest.raises(ManualOrderInvalid) as refused:
        manual_order_create(data=data, actor=ACTOR)

    assert refused.value.item_errors[0]["photos"][0] == "„prazdna.jpg“: Soubor je prázdný."


def test_heic_is_accepted_as_heic() -> None:
    order = manual_order_create(data=order_data(item("astronaut.heic")), actor=ACTOR)

    image = Image.objects.get(line_item__order=order)
    assert (image.content_type, image.width, image.height) == ("image/heic", 512, 512)
    assert image.file.name.endswith("/image_1.heic")
    assert PILImage.open(io.BytesIO(stored(image.preview.name))).format == "JPEG"


def test_the_preview_is_upright_from_the_exif_orientation(settings: Any) -> None:
    settings.PHOTO_PREVIEW_SIZE = 200

    order = manual_order_create(
        data=order_data(item("chelsea-exif-orientation-6.jpg")), actor=ACTOR
    )

    image = Image.objects.get(line_item__order=order)
    assert (image.width, image.height) == (300, 451)  # stored as the camera wrote it
    assert PILImage.open(io.BytesIO(stored(image.preview.name))).size == (200, 133)  # upright


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"title": " "}, "title", "Vyplňte název položky."),
        ({"variant_title": "Omalovánka"}, "variant_title", "Varianta musí končit počtem fotek"),
        ({"variant_title": "Kniha / 17"}, "variant_title", "Varianta musí končit počtem fotek"),
        ({"layout": "Na výšku"}, "layout", "Vyberte rozvržení."),
        ({"quantity": "0"}, "quantity", "Počet výtisků musí být celé číslo od 1 do 100."),
        ({"quantity": "dva"}, "quantity", "Počet výtisků musí být celé číslo od 1 do 100."),
    ],
)
def test_a_wrong_field_of_a_line_item_is_named(
    fields: dict[str, str], key: str, message: str
) -> None:
    data = order_data(item("chelsea.jpg", **fields))

    with pytest.raises(ManualOrderInvalid) as refused:
        manual_order_create(data=data, actor=ACTOR)

    assert list(refused.value.item_errors[0]) == [key]
    assert refused.value.item_errors[0][key][0].startswith(message)
    assert nothing_created()


def test_the_customer_needs_a_name_a_valid_email_if_any_and_a_photo_per_book() -> None:
    data = order_data(item(), customer_name="", customer_email="jana@")

    with pytest.raises(ManualOrderInvalid) as refused:
        manual_order_create(data=data, actor=ACTOR)

    assert refused.value.errors == {
        "customer_name": ["Vyplňte jméno zákazníka."],
        "customer_email": ["Zadejte platný e-mail, nebo pole nechte prázdné."],
    }
    assert refused.value.item_errors == [{"photos": ["Nahrajte aspoň jednu fotku."]}]
    assert "Vyplňte jméno zákazníka." in str(refused.value)
    with pytest.raises(ManualOrderInvalid, match="aspoň jednu položku"):
        manual_order_create(data=order_data(), actor=ACTOR)


def test_kept_photos_need_not_be_uploaded_again() -> None:
    data = order_data(item("chelsea.jpg", "coffee.jpg", title=""))
    with pytest.raises(ManualOrderInvalid):
        manual_order_create(data=data, actor=ACTOR)
    data.items[0].title = "Omalovánka z vlastních fotek"
    data.items[0].uploads = [upload("rocket.jpg")]

    order = manual_order_create(data=data, actor=ACTOR)

    images = Image.objects.filter(line_item__order=order).order_by("position")
    assert [(i.position, i.width) for i in images] == [(1, 451), (2, 600), (3, 640)]


def test_photos_of_another_or_expired_draft_are_not_taken(settings: Any) -> None:
    other = order_data(item("chelsea.jpg"))
    manual_photos_keep(data=other)
    data = order_data(item(photos=list(other.items[0].photos)))

    with pytest.raises(ManualOrderInvalid) as refused:
        manual_order_create(data=data, actor=ACTOR)

    assert refused.value.item_errors[0]["photos"] == [
        "Dříve nahraných fotek už není k dispozici: 1 (koncept vypršel). Vyberte je prosím znovu.",
    ]
    assert DraftPhoto.objects.get().draft == other.draft  # untouched


def test_a_storage_outage_creates_nothing_and_gives_the_number_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = order_data(item("chelsea.jpg", "coffee.jpg"))
    manual_photos_keep(data=data)
    copies = 0
    real_copy = manual._copy

    def copy_then_fail(source: str, target: str) -> None:
        nonlocal copies
        copies += 1
        if copies == 3:
            raise StorageUnavailable("Úložiště souborů je nedostupné (test).")
        real_copy(source, target)

    monkeypatch.setattr(manual, "_copy", copy_then_fail)
    with pytest.raises(StorageUnavailable):
        manual_order_create(data=data, actor=ACTOR)
    assert nothing_created()
    assert DraftPhoto.objects.count() == 2  # still there for the next attempt

    monkeypatch.setattr(manual, "_copy", real_copy)
    assert manual_order_create(data=data, actor=ACTOR).order_number == "#M1000"


def test_old_drafts_expire_with_their_files(settings: Any) -> None:
    settings.MANUAL_DRAFT_HOURS = 24
    data = order_data(item("chelsea.jpg", "coffee.jpg"))
    manual_photos_keep(data=data)
    old = DraftPhoto.objects.first()
    assert old is not None
    DraftPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert manual_drafts_expire() == 1

    assert list(DraftPhoto.objects.values_list("pk", flat=True)) == [data.items[0].photos[1]]
    assert not default_storage.exists(old.file.name)
    assert not default_storage.exists(old.preview.name)
    assert manual_drafts_expire() == 0


def test_an_order_is_made_the_same_way_in_a_bucket(s3: Any) -> None:
    order = manual_order_create(data=order_data(item("chelsea.jpg")), actor=ACTOR)

    image = Image.objects.get(line_item__order=order)
    assert stored(image.file.name) == (PHOTOS / "chelsea.jpg").read_bytes()
    assert DraftPhoto.objects.count() == 0


def test_draft_expiry_is_scheduled_hourly_and_its_task_runs_the_service(settings: Any) -> None:
    app.loader.import_default_modules()  # what a worker does first: find every app's tasks
    entry = settings.CELERY_BEAT_SCHEDULE["manual-drafts-expire"]

    assert entry["schedule"] == 3600.0
    assert entry["task"] in app.tasks
    assert manual_drafts_expire_task.apply().get() == "deleted=0"
