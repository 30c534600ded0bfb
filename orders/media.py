"""URLs of stored files: always the staff-only media view, never a public address."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.urls import reverse


def file_url(field: FieldFile | None) -> str:
    """The staff-only URL of a stored file, or "" when nothing is stored."""
    if not field:
        return ""
    return reverse("orders:media", kwargs={"path": field.name})
