"""A user-ID session (the weakest login) sees no personal data until a stronger login.

Pages that show or change personal data, and the admin, send such a session to a page
that offers the password or a social login instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from store import login_strength

from .app_settings import app_settings


class UserIdSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not login_strength.is_user_id_only(request):
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if not is_protected(name):
            return None
        target = reverse("keymap:stronger_login")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def is_protected(view_name: str) -> bool:
    if not view_name:
        return False
    for protected in app_settings.USER_ID_PROTECTED_VIEWS:
        if protected.endswith(":") and view_name.startswith(protected):
            return True
        if view_name == protected:
            return True
    return False


class RevokedSessionMiddleware:
    """Ends a session established before its customer's credentials were revoked.

    One indexed lookup per request of a logged-in session; sessions are not listed per
    customer anywhere, so they are ended when they next show up.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import SESSION_KEY, logout

        from . import revocation

        session = getattr(request, "session", None)
        user_id = session.get(SESSION_KEY) if session is not None else None
        if user_id is not None and revocation.is_session_revoked(session, user_id):
            logout(request)
        return self.get_response(request)
