"""One autopilot pass (`order_autopilot_advance`): what it starts, what it leaves alone,
and what it records. The tasks it queues are read from the captured on-commit callbacks;
no worker runs here (tests/autopilot/test_end_to_end.py runs one)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from orders.models import Image, Order, OrderEvent
from processing.models import AutopilotRun, BookVersion, ColoringVersion, SvgVersion
from processing.services.autopilot import order_autopilot_advance
from tests.autopilot.conftest import book, clean_order, coloring, images_of, pages_done, svg
from tests.processing.conftest import sent_tasks

pytestmark = pytest.mark.django_db
ADVANCE = "processing.tasks.order_autopilot_advance"


@pytest.fixture(autouse=True)
def _autopilot_on(settings: Any) -> None:
    settings.AUTOPILOT = True
    settings.COLORING_BACKEND = settings.VECTORIZE_BACKEND = "local"


def advance(order: Order, capture: Any) -> tuple[str, list[str]]:
    """One pass; its outcome and the names of the tasks it queued."""
    with capture() as callbacks:
        result = order_autopilot_advance(order_id=order.pk)
    return result, [name for name, _ in sent_tasks(callbacks)]


def run_of(order: Order) -> AutopilotRun:
    return AutopilotRun.objects.get(order=order)


def test_a_clean_order_gets_one_colouring_for_each_photo(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(3)

    result, tasks = advance(order, django_capture_on_commit_callbacks)

    assert result == "started coloring=3"
    assert tasks == ["processing.tasks.coloring_local_run"] * 3
    assert ColoringVersion.objects.filter(image__line_item__order=order).count() == 3
    run = run_of(order)
    assert (run.started, run.waiting, run.passes) == ({"coloring": 3}, "", 1)
    assert OrderEvent.objects.filter(actor="autopilot", message__contains="3 omalovánky").exists()


def test_advancing_twice_starts_each_photo_once(django_capture_on_commit_callbacks: Any) -> None:
    order = clean_order(4)

    advance(order, django_capture_on_commit_callbacks)
    result, tasks = advance(order, django_capture_on_commit_callbacks)

    assert (result, tasks) == ("waiting-work", [])
    assert ColoringVersion.objects.filter(image__line_item__order=order).count() == 4
    assert run_of(order).passes == 2


def test_a_failed_colouring_is_not_tried_again(django_capture_on_commit_callbacks: Any) -> None:
    order = clean_order(2)
    failed_photo, fresh_photo = images_of(order)
    coloring(failed_photo, status="error", is_selected=False, error_message="RunPod: chyba")

    result, _ = advance(order, django_capture_on_commit_callbacks)

    assert result == "started coloring=1"
    assert list(failed_photo.coloring_versions.values_list("status", flat=True)) == ["error"]
    assert fresh_photo.coloring_versions.count() == 1


def test_failed_work_with_nothing_left_to_start_waits_for_a_person(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(1)
    coloring(images_of(order)[0], status="error", is_selected=False, error_message="chyba")

    result, tasks = advance(order, django_capture_on_commit_callbacks)

    assert (result, tasks) == ("waiting-error", [])
    assert "čeká na opakování" in run_of(order).detail


@pytest.mark.parametrize(
    ("fields", "waits", "detail"),
    [
        ({"intake_checked_at": None}, "intake", "Čeká na kontrolu fotek."),
        ({"intake_held": True}, "held", "Zadrženo kontrolou fotek"),
        ({"status": Order.Status.DOWNLOADING}, "photos", "Čeká na stažení fotek."),
        ({"status": Order.Status.ERROR, "status_message": "Fotku 2 nelze stáhnout."}, "error", ""),
    ],
    ids=["unchecked", "held", "downloading", "error"],
)
def test_an_order_that_is_not_clear_starts_nothing_and_says_what_it_waits_for(
    fields: dict[str, Any], waits: str, detail: str, django_capture_on_commit_callbacks: Any
) -> None:
    order = clean_order(2, **fields)

    result, tasks = advance(order, django_capture_on_commit_callbacks)

    assert (result, tasks) == (f"waiting-{waits}", [])
    assert not ColoringVersion.objects.exists()
    run = run_of(order)
    assert run.waiting == waits and detail in run.detail
    if waits == "error":
        assert run.detail == "Fotku 2 nelze stáhnout."


def test_a_photo_not_stored_yet_keeps_the_whole_order_waiting(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2)
    Image.objects.filter(pk=images_of(order)[1].pk).update(downloaded_at=None)

    assert advance(order, django_capture_on_commit_callbacks) == ("waiting-photos", [])


def test_a_held_order_confirmed_by_staff_goes_ahead(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2, intake_held=True, hold_confirmed_at=timezone.now())

    assert advance(order, django_capture_on_commit_callbacks)[0] == "started coloring=2"


@pytest.mark.parametrize("status", ["approved", "printed", "sent", "cancelled"])
def test_orders_past_review_or_cancelled_are_left_alone(
    status: str, django_capture_on_commit_callbacks: Any
) -> None:
    order = clean_order(2, status=status)

    assert advance(order, django_capture_on_commit_callbacks) == (f"skipped-{status}", [])
    assert not AutopilotRun.objects.exists() and not ColoringVersion.objects.exists()


@pytest.mark.parametrize(("setting", "switch"), [(False, None), (True, False)])
def test_it_does_nothing_for_an_order_the_autopilot_does_not_drive(
    setting: bool, switch: bool | None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUTOPILOT = setting
    order = clean_order(2, autopilot=switch)

    assert advance(order, django_capture_on_commit_callbacks) == ("off", [])
    assert not AutopilotRun.objects.exists() and not ColoringVersion.objects.exists()


def test_the_orders_own_switch_turns_it_on_when_settings_leave_it_off(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUTOPILOT = False
    order = clean_order(1, autopilot=True)

    assert advance(order, django_capture_on_commit_callbacks)[0] == "started coloring=1"


def test_a_selected_completed_colouring_gets_its_svg_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2)
    sources = [coloring(image) for image in images_of(order)]

    result, tasks = advance(order, django_capture_on_commit_callbacks)
    again, _ = advance(order, django_capture_on_commit_callbacks)

    assert (result, tasks) == ("started svg=2", ["processing.tasks.svg_local_run"] * 2)
    assert again == "waiting-work"
    made = SvgVersion.objects.order_by("image__position")
    assert [s.coloring_version_id for s in made] == [c.pk for c in sources]


def test_a_failed_svg_is_staffs_to_redo(django_capture_on_commit_callbacks: Any) -> None:
    order = clean_order(1)
    svg(coloring(images_of(order)[0]), status="error", is_selected=False, error_message="402")

    assert advance(order, django_capture_on_commit_callbacks) == ("waiting-error", [])
    assert SvgVersion.objects.count() == 1


def test_a_flagged_colouring_gets_no_svg_and_waits_for_review(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(1)
    coloring(images_of(order)[0], flags=["near_solid"])

    assert advance(order, django_capture_on_commit_callbacks) == ("waiting-review", [])
    assert not SvgVersion.objects.exists()
    assert "Fotka 1: omalovánka má příznaky kontroly." in run_of(order).detail


def test_a_completed_colouring_nobody_selected_gets_no_svg(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(1)
    coloring(images_of(order)[0], is_selected=False)

    assert advance(order, django_capture_on_commit_callbacks) == ("waiting-review", [])
    assert not SvgVersion.objects.exists()


def test_every_page_ready_gets_the_book_built_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(3)
    svgs = pages_done(order)

    result, tasks = advance(order, django_capture_on_commit_callbacks)
    again, _ = advance(order, django_capture_on_commit_callbacks)

    assert (result, tasks) == ("started book=1", ["processing.tasks.book_build"])
    assert again == "waiting-work"  # the book is being built
    built = BookVersion.objects.get()
    assert built.sources == [s.pk for s in svgs] and not built.incomplete


def test_an_order_with_its_books_built_waits_for_approval(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2)
    book(order, [s.pk for s in pages_done(order)])

    assert advance(order, django_capture_on_commit_callbacks) == ("waiting-review", [])
    run = run_of(order)
    assert run.waiting == "review" and run.detail == "Knihy hotové, čeká na schválení."
    assert order.status == Order.Status.READY_FOR_REVIEW


def test_a_failed_book_of_the_same_pages_is_not_rebuilt(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2)
    book(order, [s.pk for s in pages_done(order)], status="error", error_message="SVG chybí")

    assert advance(order, django_capture_on_commit_callbacks) == ("waiting-error", [])
    assert BookVersion.objects.count() == 1


def test_a_book_built_from_other_pages_is_built_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2)
    current = pages_done(order)
    book(order, [current[0].pk, current[0].pk])

    assert advance(order, django_capture_on_commit_callbacks)[0] == "started book=1"


def test_a_photo_count_off_the_variant_waits_for_staffs_confirmation(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2)
    order.line_items.update(variant_title="Omalovánka / 4")
    pages_done(order)

    assert advance(order, django_capture_on_commit_callbacks) == ("waiting-review", [])
    assert "varianta počítá s 4" in run_of(order).detail
    assert not BookVersion.objects.exists()


def test_a_confirmed_hold_builds_the_incomplete_book(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(2, intake_held=True, hold_confirmed_at=timezone.now())
    order.line_items.update(variant_title="Omalovánka / 4")
    pages_done(order)

    assert advance(order, django_capture_on_commit_callbacks)[0] == "started book=1"
    assert BookVersion.objects.get().incomplete


def test_a_pass_queues_its_work_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(1)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_autopilot_advance(order_id=order.pk)

    assert [name for name, _ in sent_tasks(callbacks)] == ["processing.tasks.coloring_local_run"]


def test_an_unknown_order_is_reported_missing() -> None:
    assert order_autopilot_advance(order_id=999_999) == "missing"


def test_the_passes_and_the_beat_entries_name_real_tasks(settings: Any) -> None:
    from processing import tasks
    from shopify_sync import tasks as shopify_tasks

    assert tasks.order_autopilot_advance.name == ADVANCE
    beat = settings.CELERY_BEAT_SCHEDULE
    assert beat["autopilot-sweep"]["task"] == tasks.autopilot_sweep.name
    assert beat["shopify-poll"]["task"] == shopify_tasks.orders_poll.name
    assert beat["shopify-poll"]["schedule"] == settings.SHOPIFY_POLL_MINUTES * 60
