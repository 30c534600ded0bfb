"""Stored files: served to logged-in staff only, never from a public address.

`file_url` is the one way pages, the admin and the API link to a stored file.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_GET

from fotomalovanky.api.auth import staff_or_token_required

# Stored files are customers' photos and our output. An SVG can carry script: with
# this policy (and `sandbox`) nothing inside a served file can run in our origin.
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


def file_url(field: FieldFile | None) -> str:
    """The staff-only URL of a stored file, or "" when nothing is stored."""
    if not field:
        return ""
    return reverse("orders:media", kwargs={"path": field.name})


@require_GET
@staff_or_token_required
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve a stored file to logged-in staff only (nginx does the sending when configured)."""
    try:
        exists = default_storage.exists(path)
    except SuspiciousFileOperation as exc:
        raise Http404("No such file.") from exc
    if not exists:
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response: HttpResponseBase
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + path
    else:
        response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    # Not even the browser keeps a customer's photo once staff close the page.
    response["Cache-Control"] = "private, no-store"
    return response
