"""The RunPod and Vectorizer.ai clients against the fakes: every failure is classified."""

from __future__ import annotations

import base64
import socket
from decimal import Decimal
from typing import Any

import pytest

from processing.clients.runpod import runpod_client
from processing.clients.vectorizer import vectorizer_client
from processing.errors import ProcessingPermanentError, ProcessingTransientError
from tests.fakes.runpod import FakeRunPod
from tests.fakes.vectorizer import FakeVectorizer
from tests.processing.conftest import page_png, photo


def vectorize() -> Any:
    return vectorizer_client().vectorize(
        png=page_png(), filename="image_1.png", shape_stacking="stacked", group_by="color"
    )


def test_run_sends_the_documented_body_with_bearer_auth(runpod: FakeRunPod) -> None:
    job_id = runpod_client().run(image=b"\xff\xd8jpeg", megapixels=2.0, steps=8)

    job = runpod.submissions[0]
    assert job.id == job_id
    assert job.input == {
        "image": base64.b64encode(b"\xff\xd8jpeg").decode(),
        "megapixels": 2.0,
        "steps": 8,
    }


@pytest.mark.parametrize(
    ("outcome", "error", "words"),
    [
        (401, ProcessingPermanentError, "RUNPOD_API_KEY"),
        (400, ProcessingPermanentError, r"odmítl požadavek \(400"),
        (429, ProcessingTransientError, "429"),
        (500, ProcessingTransientError, "500"),
        (503, ProcessingTransientError, "503"),
    ],
)
def test_run_errors_are_classified(
    runpod: FakeRunPod, outcome: int, error: type, words: str
) -> None:
    runpod.fail_next_run(outcome)

    with pytest.raises(error, match=words) as caught:
        runpod_client().run(image=b"x", megapixels=1.0, steps=4)

    if outcome == 429:
        assert caught.value.retry_after == 1.0
    assert runpod.submissions == []


def test_a_wrong_key_is_a_permanent_error_naming_the_variable(
    runpod: FakeRunPod, settings: Any
) -> None:
    settings.RUNPOD_API_KEY = "wrong"

    with pytest.raises(ProcessingPermanentError, match="zkontrolujte RUNPOD_API_KEY"):
        runpod_client().status("job-1")


def test_missing_settings_are_named(settings: Any) -> None:
    settings.RUNPOD_API_KEY, settings.RUNPOD_ENDPOINT_ID = "", ""

    with pytest.raises(ProcessingPermanentError, match="RUNPOD_API_KEY a RUNPOD_ENDPOINT_ID"):
        runpod_client()


def test_a_wrong_endpoint_is_a_permanent_error_naming_the_variable(
    runpod: FakeRunPod, settings: Any
) -> None:
    settings.RUNPOD_ENDPOINT_ID = "nope"

    with pytest.raises(ProcessingPermanentError, match="RUNPOD_ENDPOINT_ID"):
        runpod_client().run(image=b"x", megapixels=1.0, steps=4)


def test_a_dropped_connection_after_sending_may_have_created_a_job(runpod: FakeRunPod) -> None:
    runpod.fail_next_run("DROP")

    with pytest.raises(ProcessingTransientError) as caught:
        runpod_client().run(image=b"x", megapixels=1.0, steps=4)

    assert caught.value.maybe_delivered


def test_a_refused_connection_certainly_created_nothing(settings: Any) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.RUNPOD_API_URL = f"http://127.0.0.1:{port}/v2"
    settings.RUNPOD_API_KEY, settings.RUNPOD_ENDPOINT_ID = "k", "e"

    with pytest.raises(ProcessingTransientError) as caught:
        runpod_client().run(image=b"x", megapixels=1.0, steps=4)

    assert not caught.value.maybe_delivered


def test_a_body_over_the_limit_is_refused_with_413(runpod: FakeRunPod) -> None:
    with pytest.raises(ProcessingPermanentError, match="413"):
        runpod_client().run(image=b"\0" * 7_600_000, megapixels=1.0, steps=4)


def test_status_reads_timing_and_decodes_the_image(runpod: FakeRunPod) -> None:
    runpod.script_next("COMPLETED")
    job_id = runpod_client().run(image=photo("chelsea.jpg"), megapixels=1.0, steps=4)

    job = runpod_client().status(job_id)

    assert (job.status, job.execution_ms, job.delay_ms) == ("COMPLETED", 4321, 120)
    assert job.image is not None and job.image.startswith(b"\x89PNG")


def test_cancel_stops_the_job(runpod: FakeRunPod) -> None:
    job_id = runpod_client().run(image=photo("chelsea.jpg"), megapixels=1.0, steps=4)

    runpod_client().cancel(job_id)

    assert runpod.cancels == [job_id]
    assert runpod_client().status(job_id).status == "CANCELLED"


def test_vectorize_sends_the_documented_fields_and_reads_credits(
    vectorizer: FakeVectorizer,
) -> None:
    result = vectorize()

    received = vectorizer.received[0]
    assert received.fields == {
        "mode": "test",
        "output.shape_stacking": "stacked",
        "output.group_by": "color",
        "output.parameterized_shapes.flatten": "true",
    }
    assert received.filename == "image_1.png" and received.image == page_png()
    assert result.svg.startswith(b"<svg")
    assert result.credits_charged == Decimal("0") and result.image_token


def test_production_mode_is_billed(vectorizer: FakeVectorizer, settings: Any) -> None:
    settings.VECTORIZER_MODE = "production"

    assert vectorize().credits_charged == Decimal("1.0")


@pytest.mark.parametrize(
    ("outcome", "error", "words"),
    [
        (400, ProcessingPermanentError, "odmítl požadavek \\(400: Bad request"),
        (401, ProcessingPermanentError, "VECTORIZER_API_KEY a VECTORIZER_API_SECRET"),
        (402, ProcessingPermanentError, "došly kredity"),
        (429, ProcessingTransientError, "429"),
        (500, ProcessingTransientError, "500"),
        ("DROP", ProcessingTransientError, "není dostupný"),
    ],
)
def test_vectorizer_errors_are_classified(
    vectorizer: FakeVectorizer, outcome: Any, error: type, words: str
) -> None:
    vectorizer.fail_next(outcome)

    with pytest.raises(error, match=words):
        vectorize()


def test_an_invalid_option_is_refused_by_the_service(vectorizer: FakeVectorizer) -> None:
    with pytest.raises(ProcessingPermanentError, match=r"output\.shape_stacking"):
        vectorizer_client().vectorize(
            png=page_png(), filename="a.png", shape_stacking="none", group_by="color"
        )


def test_wrong_credentials_are_named(vectorizer: FakeVectorizer, settings: Any) -> None:
    settings.VECTORIZER_API_SECRET = "wrong"

    with pytest.raises(ProcessingPermanentError, match="VECTORIZER_API_SECRET"):
        vectorize()


def test_a_slow_answer_times_out_as_transient(vectorizer: FakeVectorizer, settings: Any) -> None:
    settings.VECTORIZER_TIMEOUT = 0.3
    vectorizer.fail_next("SLOW")

    with pytest.raises(ProcessingTransientError) as caught:
        vectorize()

    assert caught.value.maybe_delivered
