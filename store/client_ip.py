"""The client's address, as allauth determines it for its own rate limits.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy: every shopper would share one budget.
allauth's ``ALLAUTH_TRUSTED_PROXY_COUNT`` / ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` say which
forwarded address to believe; without them it is ``REMOTE_ADDR`` (nothing spoofable). Every
limit and record of every app reads the address here.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except (PermissionDenied, ImproperlyConfigured, ValueError):
        # No address, or a forwarded chain shorter than configured: the socket's peer.
        return request.META.get("REMOTE_ADDR") or None
