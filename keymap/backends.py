"""Store ID/password login through the partner's user-authentication webhook."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_variables

from . import flows


class PartnerBackend(BaseBackend):
    """Asks the partner; ``None`` on a refusal lets the other backends try (store admins).

    A partner that cannot answer raises :class:`keymap.webhooks.PartnerUnavailable`,
    which the account adapter turns into "the login service is unavailable".
    """

    # The session's login type (the JWT's ``type``) for logins through this backend.
    login_type = flows.PARTNER_CHANNEL

    @method_decorator(sensitive_variables("password"))
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> Any | None:
        login = (email or username or "").strip()
        if not login or not password:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and "admin" in match.namespaces:
            # Staff passwords stay in the shop, and a partner that is down must not lock
            # the admin out: the admin's login is for local accounts only.
            return None
        user = flows.authenticate(request, login, password)
        return user if user is not None and user.is_active else None

    def get_user(self, user_id: Any) -> Any | None:
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if user.is_active else None
