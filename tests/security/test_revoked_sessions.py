"""Kakao's ``sessions-revoked`` security event ends the customer's session on the host's own
views, in a host project whose ``MIDDLEWARE`` names only ``StoreMiddleware`` of the plugin
(the README's django-oscar recipe once left the revocation middleware out: the event was
answered 202 and the session stayed open)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from tests.kakaosync.conftest import (  # noqa: F401  (fixtures)
    kakao_login,
    kakao_sandbox,
    sync_on,
    use_kakao_sandbox,
)
from tests.kakaosync.test_webhooks import make_kakao_customer

from .host_project.fixtures import host  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
OUR_APPS = ("store.", "sociallogin.", "kakaosync.", "keymap.")


@pytest.fixture
def kakao(live_server: Any, sync_on: Any, use_kakao_sandbox: Any) -> Any:  # noqa: F811
    use_kakao_sandbox.state.config.shop_url = live_server.url
    return use_kakao_sandbox


def test_sessions_revoked_at_kakao_end_the_session_on_the_hosts_view(
    host: Any,  # noqa: F811
    kakao: Any,
) -> None:
    assert [m for m in host.MIDDLEWARE if m.startswith(OUR_APPS)] == [
        "store.middleware.StoreMiddleware"
    ]
    user = make_kakao_customer(1001)
    shopper = Client()
    shopper.force_login(user)
    assert shopper.get("/me/").status_code == 200  # the host's own view, logged in
    time.sleep(1.01)  # the revocation is strictly later than the login
    status, _text, _token = kakao.send_security_event(1001, "sessions-revoked")
    assert status == 202
    response = shopper.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in shopper.session
