"""No paid call by accident: in DEBUG a RunPod job needs RUNPOD_ALLOW_IN_DEBUG.

(Vectorizer.ai's default mode in DEBUG is covered in tests/test_settings.py, where the
settings are loaded as a developer's machine loads them.)
"""

from __future__ import annotations

from typing import Any

import pytest

from processing import services, tasks
from processing.models import ColoringVersion
from tests.fakes.runpod import FakeRunPod

pytestmark = pytest.mark.django_db


def submit(image: Any) -> ColoringVersion:
    version = services.coloring_generate(image=image, actor="user:jana")
    tasks.coloring_runpod_submit.apply(args=[version.pk])
    version.refresh_from_db()
    return version


def test_in_debug_a_runpod_submission_ends_in_error_naming_the_variable(
    image: Any, runpod: FakeRunPod, settings: Any
) -> None:
    settings.DEBUG = True

    version = submit(image)

    assert version.status == "error"
    assert "RUNPOD_ALLOW_IN_DEBUG=true" in version.error_message
    assert version.runpod_job_id == ""
    assert runpod.submissions == [] and runpod.run_calls == 0


def test_in_debug_with_the_variable_set_the_job_is_submitted(
    image: Any, runpod: FakeRunPod, settings: Any
) -> None:
    settings.DEBUG = True
    settings.RUNPOD_ALLOW_IN_DEBUG = True

    version = submit(image)

    assert version.status == "runpod_submitted", version.error_message
    assert len(runpod.submissions) == 1


def test_with_debug_off_the_variable_is_not_needed(image: Any, runpod: FakeRunPod) -> None:
    assert submit(image).status == "runpod_submitted"
    assert len(runpod.submissions) == 1
