"""The address django-axes counts a login attempt against (settings: "Logins")."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind the HTTPS proxy (BEHIND_HTTPS_PROXY) every request
    comes from the proxy, so it is the last address the proxy appended to
    X-Forwarded-For; anything before that the client may have written itself."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))
