"""Template context of every page: what the viewer's role may do (`can`)."""

from __future__ import annotations

from django.http import HttpRequest

from fotomalovanky.permissions import capabilities, role_of


def capabilities_context(request: HttpRequest) -> dict[str, dict[str, bool]]:
    """`{% if can.operate %}` shows a button only to those who may press it. The live
    push (web/live.py) renders without a request and passes `can` itself."""
    return {"can": capabilities(role_of(getattr(request, "user", None)))}
