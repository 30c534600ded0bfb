"""Staff's verdict on a colouring page, the redo at +1 step a rejection starts, the ladder's
ceiling, refusals that change nothing, and the review workspace's selector."""

from __future__ import annotations

from typing import Any

import pytest

from orders.models import OrderEvent
from processing import services
from processing.errors import ProcessingRuleError, ProcessingValidationError
from processing.models import ColoringVersion
from processing.review import ReviewState, order_review
from tests import factories
from tests.processing.conftest import completed_coloring, downloaded_image, sent_tasks

pytestmark = pytest.mark.django_db


def judge(version: ColoringVersion, verdict: str, reason: str = "") -> services.VerdictOutcome:
    return services.coloring_verdict_set(
        order=version.image.line_item.order,
        version=version,
        verdict=verdict,
        reason=reason,
        by="jana",
        actor="user:jana",
    )


def test_approving_records_who_and_when_selects_the_page_and_logs_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = completed_coloring(is_selected=False)

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = judge(version, "approved")

    version.refresh_from_db()
    assert (version.verdict, version.reject_reason, version.verdict_by) == ("approved", "", "jana")
    assert version.verdict_at is not None and version.is_selected
    assert outcome.redo is None and not outcome.at_ceiling
    event = OrderEvent.objects.get(message__contains="schválena")
    assert event.actor == "user:jana" and f"v{version.version}" in event.message
    assert callbacks, "the change is announced after commit"
    assert sent_tasks(callbacks) == []


def test_rejecting_starts_a_redo_of_the_same_settings_with_one_step_more(
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = completed_coloring(megapixels=2.5, steps=6, is_selected=True)

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = judge(version, "rejected", "crop")

    version.refresh_from_db()
    assert (version.verdict, version.reject_reason, version.is_selected) == (
        "rejected",
        "crop",
        False,
    )
    redo = outcome.redo
    assert redo is not None
    assert (redo.image_id, redo.version, redo.megapixels, redo.steps) == (
        version.image_id,
        version.version + 1,
        2.5,
        7,
    )
    assert (redo.status, redo.verdict) == ("queued", "")
    assert sent_tasks(callbacks) == [("processing.tasks.coloring_local_run", (redo.pk,))]
    messages = list(OrderEvent.objects.values_list("message", flat=True))
    assert any("zamítnuta – Ořez" in m for m in messages)
    assert any("nová (2.5 MP, 7 kroků" in m for m in messages)


def test_the_redo_once_completed_is_selected_and_is_the_page_under_review() -> None:
    version = completed_coloring(is_selected=True)
    redo = judge(version, "rejected", "anatomy").redo
    assert redo is not None

    assert order_review(order_id=version.image.line_item.order_id).photos[0].state == (
        ReviewState.GENERATING
    )
    services.coloring_local_run(version_id=redo.pk)

    redo.refresh_from_db()
    photo = order_review(order_id=version.image.line_item.order_id).photos[0]
    assert redo.is_selected and redo.status == "completed"
    assert photo.page == redo and photo.state == ReviewState.TO_REVIEW and redo.verdict == ""


def test_at_the_ceiling_no_redo_starts_and_the_photo_says_so(
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = completed_coloring(steps=services.LADDER_CEILING, is_selected=True)

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = judge(version, "rejected", "too_detailed")

    assert outcome.at_ceiling and outcome.redo is None
    assert sent_tasks(callbacks) == []
    assert ColoringVersion.objects.count() == 1
    photo = order_review(order_id=version.image.line_item.order_id).photos[0]
    assert photo.at_ceiling and photo.state == ReviewState.REJECTED


def test_re_judging_counts_the_last_verdict_and_never_doubles_the_redo() -> None:
    version = completed_coloring(is_selected=True)
    judge(version, "rejected", "crop")

    again = judge(version, "rejected", "composition")
    approved = judge(version, "approved")

    version.refresh_from_db()
    assert again.redo is None  # the first rejection's redo is the one
    assert approved.redo is None
    assert (version.verdict, version.reject_reason, version.is_selected) == ("approved", "", True)
    assert ColoringVersion.objects.filter(image=version.image).count() == 2


@pytest.mark.parametrize(
    ("verdict", "reason", "field", "message"),
    [
        ("maybe", "", "verdict", "Neznámé posouzení stránky."),
        ("rejected", "", "reason", "Vyberte důvod zamítnutí."),
        ("rejected", "ugly", "reason", "Neznámý důvod zamítnutí „ugly“."),
        ("approved", "crop", "reason", "Schválená stránka nemá důvod zamítnutí."),
    ],
)
def test_bad_input_is_refused_in_czech_and_changes_nothing(
    django_capture_on_commit_callbacks: Any, verdict: str, reason: str, field: str, message: str
) -> None:
    version = completed_coloring(is_selected=True)

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ProcessingValidationError) as caught,
    ):
        judge(version, verdict, reason)

    assert caught.value.errors == {field: message}
    _assert_unchanged(version, callbacks)


@pytest.mark.parametrize("status", ["queued", "runpod_processing", "error"])
def test_only_a_completed_page_can_be_judged(
    django_capture_on_commit_callbacks: Any, status: str
) -> None:
    version = factories.ColoringVersionFactory(status=status)

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ProcessingRuleError, match=r"Posoudit lze jen dokončenou omalovánku\."),
    ):
        judge(version, "rejected", "crop")

    _assert_unchanged(version, callbacks)


def test_a_version_of_another_order_is_refused(django_capture_on_commit_callbacks: Any) -> None:
    version = completed_coloring(is_selected=True)
    other = factories.OrderFactory(order_number="#9999")

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ProcessingRuleError, match=r"Verze nepatří k této objednávce\."),
    ):
        services.coloring_verdict_set(
            order=other, version=version, verdict="approved", by="jana", actor="user:jana"
        )

    _assert_unchanged(version, callbacks)


def _assert_unchanged(version: ColoringVersion, callbacks: list[Any]) -> None:
    before = version.is_selected
    version.refresh_from_db()
    assert (version.verdict, version.reject_reason, version.verdict_at) == ("", "", None)
    assert version.is_selected == before
    assert ColoringVersion.objects.count() == 1
    assert not OrderEvent.objects.exists()
    assert callbacks == []


def test_the_workspace_puts_photos_needing_attention_first_and_counts_approvals() -> None:
    first = completed_coloring(downloaded_image(position=1), is_selected=True)
    line_item = first.image.line_item

    def photo(position: int) -> Any:
        return downloaded_image(line_item=line_item, position=position)

    approved = completed_coloring(photo(2), is_selected=True, verdict="approved")
    failed = factories.ColoringVersionFactory(image=photo(3), status="error")
    photo(4)  # no page yet
    ceiling = completed_coloring(
        photo(5), is_selected=False, verdict="rejected", reject_reason="crop", steps=20
    )

    review = order_review(order_id=line_item.order_id)

    assert [(p.image.position, p.state) for p in review.photos] == [
        (4, ReviewState.NO_PAGE),
        (3, ReviewState.ERROR),
        (5, ReviewState.REJECTED),
        (1, ReviewState.TO_REVIEW),
        (2, ReviewState.APPROVED),
    ]
    assert (review.approved, review.total) == (1, 5)
    assert review.photos[2].page == ceiling and review.photos[2].at_ceiling
    assert review.photos[1].failed == failed and review.photos[4].page == approved
    assert review.next_to_judge() is review.photos[3]
    assert review.next_to_judge(after=first.image_id) is None
