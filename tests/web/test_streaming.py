"""Under ASGI (daphne) files and ZIPs leave the web process chunk by chunk, never read
whole first (Django's ASGI handler would buffer a synchronous iterator entire)."""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from common.storage import stored_save
from tests.asgi import AsgiResponse, asgi_call
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db
BIG = 3 * 2**20


def staff_get(staff_user: Any, path: str) -> AsgiResponse:
    client = Client()
    client.force_login(staff_user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = asgi_call("GET", path, headers={"Cookie": cookie})
    assert not [w for w in caught if "must consume" in str(w.message)]
    return response


@pytest.mark.usefixtures("any_storage")
def test_a_stored_file_is_sent_in_chunks(staff_user: Any) -> None:
    data = os.urandom(BIG)
    name = stored_save("9/9/image_1.jpg", data)

    response = staff_get(staff_user, f"/media/{name}")

    assert response.status_code == 200 and response.content == data
    assert response["Content-Length"] == str(BIG)
    assert response.body_messages >= BIG // (256 * 1024)


def test_an_order_zip_is_sent_in_chunks(staff_user: Any) -> None:
    image = ImageFactory(line_item__order__order_number="#1270", position=1, downloaded=True)
    data = os.urandom(BIG)
    type(image).objects.filter(pk=image.pk).update(file=stored_save("1/1/image_1.jpg", data))

    response = staff_get(staff_user, "/orders/1270/export.zip")

    assert response.status_code == 200 and response.body_messages > 3
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(name.endswith("/originaly/fotka-1.jpg") for name in names)
