"""Schemathesis against /api/v1/openapi.json with a valid token: no 5xx, no answer that
breaks the document (status, content type, body schema), invalid input refused with
4xx, wrong methods answered 405 with `Allow`.

Bounded for CI: a fixed number of examples per operation, derandomised (the same cases
every run), no example database, no shrinking beyond Hypothesis' own limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.color import no_style
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from orders.models import Image, LineItem, Order
from processing.models import ColoringVersion, SvgVersion
from tests import factories

from .conftest import make_token

# Per operation: schema-valid cases, schema-invalid cases, the document's examples.
MAX_EXAMPLES = 10
CONFIG = """
[checks.positive_data_acceptance]
# A valid request may still be refused by a rule (nothing to generate, not completed).
expected-statuses = ["2xx", "400", "401", "403", "404"]
"""


def seed_rows() -> None:
    """The rows the document's examples name (order 1270, line item 1, image 123, version 456), so
    the generated requests also reach the success paths, not only 404s."""
    order = factories.OrderFactory(pk=1270, order_number="#1270")
    line_item = factories.LineItemFactory(pk=1, order=order, position=1)
    image = factories.ImageFactory(pk=123, line_item=line_item, position=1, downloaded=True)
    factories.ImageFactory(pk=124, line_item=line_item, position=2)
    coloring = factories.ColoringVersionFactory(
        pk=456, image=image, version=1, status="completed", is_selected=True
    )
    factories.ColoringVersionFactory(pk=457, image=image, version=2, status="error")
    factories.SvgVersionFactory(
        pk=456, image=image, coloring_version=coloring, version=1, status="completed"
    )
    factories.SvgVersionFactory(
        pk=457, image=image, coloring_version=coloring, version=2, status="error"
    )
    # Rows created through the API get ids after these (PostgreSQL's sequences).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Order, LineItem, Image, ColoringVersion, SvgVersion]
        ):
            cursor.execute(sql)


@pytest.fixture
def token(staff_user: User) -> str:
    return make_token(staff_user.username)


@pytest.fixture
def api_schema(db: None, token: str) -> Iterator[Any]:
    """The document as the API serves it, loaded through Django's WSGI handler.

    Requests run in the test's transaction, as with Django's test client, which also
    keeps `close_old_connections` from closing that transaction's connection.
    """
    seed_rows()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json",
            WSGIHandler(),
            headers={"Authorization": f"Bearer {token}"},
            config=schemathesis.Config.from_str(CONFIG),
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def run_operation(operation: Any, cases: Any, token: str, statuses: Counter[str]) -> None:
    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:  # no 5xx, documented status, content type and body
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
        statuses[f"{operation.label} {response.status_code}"] += 1

    check()


def test_the_api_keeps_to_its_openapi_document(api_schema: Any, token: str) -> None:
    statuses: Counter[str] = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        raw = operation.definition.raw
        # An operation without any input (GET /health) has no invalid input to send.
        modes = GenerationMode if raw.get("parameters") or "requestBody" in raw else ["positive"]
        strategies = [operation.as_strategy(GenerationMode(mode)) for mode in modes]
        examples = api_schema.get_strategies_from_examples(operation)
        if examples:
            strategies.append(st.one_of(examples))
        for cases in strategies:
            run_operation(operation, cases, token, statuses)

    assert len(operations) == 19
    # Every operation was reached past its path (a real order, image or version), so
    # its service, not only the 404, kept to the document.
    reached = {key.rsplit(" ", 1)[0] for key in statuses if not key.endswith(" 404")}
    assert reached == {operation.label for operation in operations}
