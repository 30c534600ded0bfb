"""Stored files: served to logged-in staff only (a printer only the files of orders they
see), never from a public address.

`file_url` is the one way pages, the admin and the API link to a stored file.
"""

from __future__ import annotations

import mimetypes
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db.models.fields.files import FieldFile
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotFound,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.views.decorators.http import require_safe

from common.storage import (
    StorageUnavailable,
    is_bucket,
    stored_exists,
    stored_presigned_url,
    stored_stream,
)
from fotomalovanky.api.auth import requires_or_token
from fotomalovanky.permissions import Capability, file_visible
from processing.retention import file_purged_at, purge_date

from .streaming import FileChunks, streamed

# Stored files are customers' photos and our output. An SVG can carry script: with
# this policy (and `sandbox`) nothing inside a served file can run in our origin.
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
TEXT = "text/plain; charset=utf-8"
DOWNLOAD_NAME = re.compile(r"[\w.-]{1,100}")


def file_url(field: FieldFile | None, *, download_name: str = "") -> str:
    """The staff-only URL of a stored file, or "" when nothing is stored; with
    `download_name`, the name a browser saves it under (a book: "1270-1.pdf")."""
    if not field:
        return ""
    url = reverse("orders:media", kwargs={"path": field.name})
    return f"{url}?{urlencode({'name': download_name})}" if download_name else url


def _download_name(request: HttpRequest) -> str:
    # Only a plain file name: it goes into a header.
    name = request.GET.get("name", "")
    return name if DOWNLOAD_NAME.fullmatch(name) else ""


MISSING = "Soubor v úložišti chybí."
UNAVAILABLE = "Úložiště souborů je teď nedostupné, zkuste to prosím za chvíli."
PURGED = "Soubor byl {date} smazán podle pravidel uchovávání dat; záznam objednávky zůstává."


@require_safe
@requires_or_token(Capability.VIEW)
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve a stored file to logged-in staff only, after the check above.

    Local files are sent by nginx when MEDIA_ACCEL_REDIRECT is set; objects in a bucket
    are streamed through, or with MEDIA_PRESIGNED staff are redirected to a presigned
    URL valid MEDIA_PRESIGNED_SECONDS. A missing file or a storage that does not answer
    gets a Czech sentence (the cards show it in place of the picture), never a 500; a
    file of an order whose files were purged (processing.retention) gets 410 Gone.
    """
    response: HttpResponseBase
    try:
        if not file_visible(request.user, path):
            raise FileNotFoundError(path)  # as if absent: nothing said about other orders
        purged = file_purged_at(path)
        if purged is not None:
            # Gone for good, not missing by mistake (an old link, a bookmark): 410.
            text = PURGED.format(date=purge_date(purged))
            response = HttpResponse(text, status=410, content_type=TEXT)
        else:
            response = _serve(request, path, _download_name(request))
    except (FileNotFoundError, SuspiciousFileOperation):
        response = HttpResponseNotFound(MISSING, content_type=TEXT)
    except StorageUnavailable:
        response = HttpResponse(UNAVAILABLE, status=503, content_type=TEXT)
        response["Retry-After"] = "30"
    if not isinstance(response, HttpResponseRedirect):
        response["Content-Security-Policy"] = FILE_CSP
        response["X-Content-Type-Options"] = "nosniff"
    # Not even the browser keeps a customer's photo (or the link to it) once staff close
    # the page.
    response["Cache-Control"] = "private, no-store"
    return response


def _serve(request: HttpRequest, path: str, download_name: str) -> HttpResponseBase:
    # Shown in the browser (a PDF previews inline), saved under the given name.
    disposition = f'inline; filename="{download_name}"' if download_name else ""
    if settings.MEDIA_PRESIGNED:
        url = stored_presigned_url(
            path, seconds=settings.MEDIA_PRESIGNED_SECONDS, disposition=disposition
        )
        return HttpResponseRedirect(url)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT and not is_bucket():
        response = _accel(path, content_type)
    else:
        response = _stream(request, path, content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def _accel(path: str, content_type: str) -> HttpResponseBase:
    if not stored_exists(path):
        raise FileNotFoundError(path)
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + path
    return response


def _stream(request: HttpRequest, path: str, content_type: str) -> HttpResponseBase:
    stream = stored_stream(path)
    response: HttpResponseBase
    if request.method == "HEAD":
        stream.handle.close()
        response = HttpResponse(content_type=content_type)
    else:
        chunks = FileChunks(stream.handle)
        response = StreamingHttpResponse(streamed(request, chunks), content_type=content_type)
    if stream.size is not None:
        response["Content-Length"] = str(stream.size)
    return response
