"""Staff views of the orders app."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

# Stored files are customers' photos and our output. An SVG can carry script: with
# this policy (and `sandbox`) nothing inside a served file can run in our origin.
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


@require_GET
@staff_member_required
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a stored file to logged-in staff only (nginx does the sending when configured)."""
    try:
        exists = default_storage.exists(path)
    except SuspiciousFileOperation as exc:
        raise Http404("No such file.") from exc
    if not exists:
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + path
    else:
        response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
