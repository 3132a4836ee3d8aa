"""Logout ends every JWT its session was given, however many and however requested.

The tokens once were listed in the session: a session asking for more than the list held
kept the oldest alive, and parallel requests overwrote each other's list. Revocation now
names the session, so neither the number of tokens nor the order of the saves matters.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from keymap import jwt_tokens, revocation
from store.services.customers import onboard

User = get_user_model()


def _shopper(username: str = "shopper") -> Any:
    user = User.objects.create_user(username, email=f"{username}@example.com", password="pw-123456")
    onboard(user, "store")
    return user


def _me(client: Client, token: str) -> int:
    return client.get("/api/users/me", headers={"authorization": f"Bearer {token}"}).status_code


@pytest.mark.django_db
def test_logout_revokes_every_one_of_55_sequential_tokens(client: Client) -> None:
    client.force_login(_shopper())
    tokens = []
    for _ in range(55):
        response = client.post("/api/token")
        assert response.status_code == 200
        tokens.append(response.json()["access_token"])
    assert _me(client, tokens[0]) == 200
    client.post("/accounts/logout/")
    surviving = [index for index, token in enumerate(tokens) if _me(client, token) != 401]
    assert surviving == []


@pytest.mark.django_db
def test_logout_leaves_other_sessions_of_the_same_customer_alone(client: Client) -> None:
    user = _shopper()
    other_device = Client()
    client.force_login(user)
    other_device.force_login(user)
    mine = client.post("/api/token").json()["access_token"]
    theirs = other_device.post("/api/token").json()["access_token"]
    client.post("/accounts/logout/")
    assert _me(client, mine) == 401
    assert _me(other_device, theirs) == 200


@pytest.mark.postgres  # the live server shares one connection to SQLite's memory database
@pytest.mark.django_db(transaction=True)
def test_logout_revokes_every_one_of_8_parallel_tokens(live_server: Any) -> None:
    """Eight token requests of one session at once, over real HTTP to a threaded server."""
    user = _shopper()
    # The signing key exists before the race: the first key is made on first use, and
    # this test is about the revocation of tokens, not about who makes that key.
    jwt_tokens.rotate_key()
    session_client = Client()
    session_client.force_login(user)
    csrf = secrets.token_hex(16)  # any 32-character secret is a valid CSRF cookie
    cookies = {"sessionid": session_client.cookies["sessionid"].value, "csrftoken": csrf}
    headers = {"X-CSRFToken": csrf, "Referer": live_server.url}
    workers = 8
    barrier = threading.Barrier(workers)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def request_token() -> None:
        try:
            barrier.wait(timeout=30)
            response = requests.post(
                f"{live_server.url}/api/token", cookies=cookies, headers=headers, timeout=30
            )
            assert response.status_code == 200, response.text[:500]
            tokens.append(response.json()["access_token"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=request_token) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors[:3]
    assert len(tokens) == workers

    def me(token: str) -> int:
        return requests.get(
            f"{live_server.url}/api/users/me",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).status_code

    assert all(me(token) == 200 for token in tokens)
    logout = requests.post(
        f"{live_server.url}/accounts/logout/",
        cookies=cookies,
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )
    assert logout.status_code == 302
    surviving = [index for index, token in enumerate(tokens) if me(token) != 401]
    assert surviving == []


@pytest.mark.django_db
def test_verifying_a_token_is_one_query(client: Client, django_assert_num_queries: Any) -> None:
    """Logout and the customer's "not before" time are looked up together."""
    client.force_login(_shopper())
    token = client.post("/api/token").json()["access_token"]
    jwt_tokens.verify(token)  # the signing keys are parsed once per process
    with django_assert_num_queries(1):
        jwt_tokens.verify(token)


@pytest.mark.django_db
def test_a_token_without_a_session_id_is_refused(client: Client) -> None:
    """No logout could revoke it (tokens issued before the claim existed)."""
    user = _shopper()
    client.force_login(user)
    legacy = jwt_tokens.encode(
        jwt_tokens.build_claims(str(user.pk), login_type="store", attributes={}, partner_data={})
    )
    assert _me(client, legacy) == 401
    assert _me(client, client.post("/api/token").json()["access_token"]) == 200


@pytest.mark.django_db
def test_revoking_credentials_still_ends_the_tokens_of_every_session(client: Client) -> None:
    user = _shopper()
    client.force_login(user)
    token = client.post("/api/token").json()["access_token"]
    time.sleep(1.01)  # iat has whole seconds
    revocation.revoke_all(user, "credential compromise")
    assert _me(Client(), token) == 401


@pytest.mark.django_db
def test_logout_after_a_password_change_revokes_the_tokens_from_before_it(
    client: Client,
) -> None:
    """A password change gives the session a new key; its tokens still name one session."""
    client.force_login(_shopper())
    before = client.post("/api/token").json()["access_token"]
    key = client.session.session_key
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "pw-123456", "password1": "pw-654321-new", "password2": "pw-654321-new"},
    )
    assert response.status_code == 302
    assert client.session.session_key != key
    after = client.post("/api/token").json()["access_token"]
    client.post("/accounts/logout/")
    assert _me(client, before) == 401 and _me(client, after) == 401
