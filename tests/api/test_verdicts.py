"""The API shows each colouring page's verdict (`verdict`, `reject_reason`), null when blank."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.processing.conftest import completed_coloring, downloaded_image

pytestmark = pytest.mark.django_db


def test_colouring_versions_carry_their_verdict_and_reason_null_when_not_judged(
    api: Client,
) -> None:
    image = downloaded_image(line_item__order__order_number="#1270")
    completed_coloring(image, verdict="rejected", reject_reason="face_likeness")
    completed_coloring(image, verdict="approved", is_selected=True)
    completed_coloring(image)

    body = api.get(f"/api/v1/orders/1270/images/{image.pk}").json()

    verdicts = [(v["verdict"], v["reject_reason"]) for v in body["versions"]["coloring"]]
    assert verdicts == [("rejected", "face_likeness"), ("approved", None), (None, None)]


def test_the_openapi_document_declares_both_fields_with_their_choices(api: Client) -> None:
    schemas = api.get("/api/v1/openapi.json").json()["components"]["schemas"]

    fields = schemas["ColoringVersionOut"]["properties"]
    assert {"verdict", "reject_reason"} <= set(schemas["ColoringVersionOut"]["required"])
    reasons = {"$ref": "#/components/schemas/RejectReason"}
    assert reasons in fields["reject_reason"]["anyOf"]
    assert len(schemas["RejectReason"]["enum"]) == 10
    assert schemas["Verdict"]["enum"] == ["approved", "rejected"]
