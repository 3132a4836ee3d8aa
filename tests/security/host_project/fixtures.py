"""Fixtures and helpers of the security promises (imported by the test modules)."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.test import Client

from tests.keymap.conftest import PARTNER, PATHS, configure_partner

AUTH = PARTNER + PATHS["user_authentication"]
VALIDATE = PARTNER + PATHS["user_validation"]
KAKAOTALK = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 KAKAOTALK 10.3.1"


@pytest.fixture
def host(settings: Any) -> Any:
    """The host project's settings (its urls, login view, middleware) for this test."""
    from .settings import HOST

    for name, value in HOST.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def partner(db: Any) -> Any:
    configure_partner(linking=True)
    return configure_partner


def user_id_login(client: Client, user_id: str) -> Any:
    """Log ``client`` in with only a partner user ID (the partner confirms it: 200)."""
    with responses.RequestsMock() as rsps:
        rsps.post(VALIDATE, status=200)
        response = client.post("/keymap/login/user-id/", {"user_id": user_id})
    assert response.status_code == 302, response.content[:500]
    assert client.session["store.user_id_login"] is True
    return get_user_model()._default_manager.get(pk=client.session["_auth_user_id"])
