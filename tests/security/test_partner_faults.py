"""Promises of the partner's user database on any login view.

- A partner fault (down, slow, nonsense, a bug) never raises out of ``authenticate()``:
  any login view, a host project's too, answers with a clear "try again", never a 500.
- The password of a staff or superuser account never goes to the partner, whatever login
  view it is typed into.
- A partner fault is not a failed login for allauth's rate limit: an outage locks nobody
  out once the partner is back.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses
from django.contrib.auth import authenticate, get_user_model
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse

from keymap import flows
from tests.keymap.conftest import answer

from .host_project.fixtures import AUTH, host, partner  # noqa: F401

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500},
        {"body": requests.ConnectionError("refused")},
        {"body": requests.Timeout("slow")},
        {"json": [1, 2]},  # an answer the key name map cannot read
    ],
)
@responses.activate
def test_a_partner_fault_on_a_hosts_login_view_is_a_clear_message_not_a_500(
    host: Any,  # noqa: F811
    partner: Any,  # noqa: F811
    client: Client,
    fault: dict[str, Any],
) -> None:
    responses.post(AUTH, **fault)
    response = client.post("/login/", {"username": "gamer", "password": "pw-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("unavailable" in m or "cannot use" in m for m in shown), shown
    assert not User.objects.exists()


def test_an_unexpected_fault_inside_the_partner_login_raises_nothing(
    partner: Any,  # noqa: F811
    monkeypatch: Any,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(flows, "authenticate", broken)
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="gamer", password="pw-1") is None


@responses.activate
def test_a_partner_fault_on_the_shops_login_form_is_its_error(
    partner: Any,  # noqa: F811
    client: Client,
) -> None:
    responses.post(AUTH, status=503)
    response = client.post(reverse("account_login"), {"login": "gamer", "password": "pw-1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The login service is unavailable" in html or "unavailable" in html
    assert "not correct" not in html


@pytest.mark.parametrize("login", ["boss", "BOSS", "boss@example.com"])
@responses.activate
def test_a_staff_password_never_goes_to_the_partner_on_any_login_view(
    host: Any,  # noqa: F811
    partner: Any,  # noqa: F811
    client: Client,
    login: str,
) -> None:
    User.objects.create_superuser("boss", "boss@example.com", "boss-pw-123")
    User.objects.create_user("clerk", "clerk@example.com", "clerk-pw-123", is_staff=True)
    responses.post(AUTH, json=answer(username="boss"))
    # The host's LoginView (username) and the shop's allauth form (username or e-mail).
    host_login = client.post("/login/", {"username": login, "password": "boss-pw-123"})
    assert host_login.status_code == 302  # the local account logs in
    client.post("/accounts/logout/")
    client.post(reverse("account_login"), {"login": login, "password": "wrong"})
    client.post("/login/", {"username": "clerk@example.com", "password": "wrong"})
    assert len(responses.calls) == 0


@responses.activate
def test_logins_during_a_partner_outage_do_not_lock_the_shopper_out(
    partner: Any,  # noqa: F811
    client: Client,
    settings: Any,
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
    down = responses.post(AUTH, status=500)
    for _ in range(6):
        response = client.post(
            reverse("account_login"), {"login": "gamer123", "password": "pw-123456"}
        )
        assert "unavailable" in response.content.decode()
    assert down.call_count == 6  # each attempt asked the partner: none was refused early
    responses.replace(responses.POST, AUTH, json=answer())
    response = client.post(reverse("account_login"), {"login": "gamer123", "password": "pw-123456"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "_auth_user_id" in client.session


@responses.activate
def test_wrong_passwords_still_count_for_the_rate_limit(
    partner: Any,  # noqa: F811
    client: Client,
    settings: Any,
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
    responses.post(AUTH, status=401, json={"error": "bad credentials"})
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "gamer123", "password": "nope"})
    response = client.post(reverse("account_login"), {"login": "gamer123", "password": "nope"})
    assert "Too many failed login attempts" in response.content.decode()
