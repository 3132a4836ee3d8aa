"""The social-login webhook through allauth's real Kakao provider (Kakao and partner mocked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from keymap.models import Delivery, PartnerLink

from .conftest import PARTNER, PATHS, answer, configure_partner

User = get_user_model()
SOCIAL = PARTNER + PATHS["social_login"]
VALIDATE = PARTNER + PATHS["user_validation"]


def kakao_user(uid: int = 4242, email: str = "minji@example.com") -> dict[str, Any]:
    return {
        "id": uid,
        "connected_at": "2026-01-01T00:00:00Z",
        "kakao_account": {
            "profile": {"nickname": "Minji"},
            "email": email,
            "is_email_valid": True,
            "is_email_verified": True,
        },
    }


@pytest.fixture
def mocked(db) -> Iterator[responses.RequestsMock]:
    from sociallogin.models import ProviderSettings

    ProviderSettings.objects.update_or_create(
        provider="kakao",
        defaults={"enabled": True, "client_id": "kakao-client", "secret": "kakao-secret"},
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.POST,
            "https://kauth.kakao.com/oauth/token",
            json={"access_token": "at", "token_type": "bearer", "expires_in": 3600},
        )
        yield rsps


def kakao_login(client, rsps, uid: int = 4242, email: str = "minji@example.com"):
    rsps.upsert(responses.GET, "https://kapi.kakao.com/v2/user/me", json=kakao_user(uid, email))
    resp = client.post("/accounts/kakao/login/")
    assert resp.status_code == 302, resp.content[:500]
    state = parse_qs(urlsplit(resp["Location"]).query)["state"][0]
    return client.get("/accounts/kakao/login/callback/", {"code": "c0de", "state": state})


def _session_user(client) -> Any:
    return User.objects.get(pk=client.session["_auth_user_id"])


def test_seed_flow_user_id_login_then_social_login_is_linked(client, partner, mocked) -> None:
    configure_partner(linking=True)
    mocked.add(responses.POST, VALIDATE, status=200)
    client.post(reverse("keymap:user_id_login"), {"user_id": "12345678"})
    first = _session_user(client)
    client.post("/accounts/logout/")
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="12345678", username="gamer123"))
    response = kakao_login(client, mocked)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _session_user(client) == first
    assert SocialAccount.objects.get(provider="kakao").user == first
    first.customer.refresh_from_db()
    assert first.customer.nickname == "gamer123"
    assert User.objects.count() == 1
    assert client.session["store.login_type"] == "kakao"
    assert "store.user_id_login" not in client.session
    sent = next(c.request for c in mocked.calls if c.request.url == SOCIAL)
    assert b'"provider":"kakao"' in sent.body and b'"uid":"4242"' in sent.body
    assert b"minji@example.com" in sent.body and b'"at"' not in sent.body  # no token sent
    # And again: the returning social login stays on the linked customer.
    client.post("/accounts/logout/")
    kakao_login(client, mocked)
    assert _session_user(client) == first


def test_first_social_login_with_linking_creates_the_linked_customer(
    client, partner, mocked
) -> None:
    configure_partner(linking=True)
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="555"))
    assert kakao_login(client, mocked).status_code == 302
    user = _session_user(client)
    assert user.partner_link.linked and user.partner_link.server_custom_id == "555"
    assert user.customer.join_channel == "kakao"
    # A second, different Kakao account the partner also calls 555 lands on the same customer.
    client.post("/accounts/logout/")
    kakao_login(client, mocked, uid=9999, email="other@example.com")
    assert _session_user(client) == user
    assert SocialAccount.objects.filter(user=user).count() == 2


def test_existing_social_account_moves_to_the_linked_customer(client, partner, mocked) -> None:
    configure_partner(linking=False)
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="777"))
    kakao_login(client, mocked)
    social_user = _session_user(client)
    client.post("/accounts/logout/")
    configure_partner(linking=True)
    mocked.add(responses.POST, VALIDATE, status=200)
    # Another customer already owns 777 under linking (user-ID login came first).
    owner = User.objects.create_user("owner")
    PartnerLink.objects.create(user=owner, server_custom_id="777", linked=True)
    PartnerLink.objects.filter(user=social_user).update(server_custom_id="777")
    kakao_login(client, mocked)
    assert _session_user(client) == owner
    assert SocialAccount.objects.get().user == owner


def test_without_linking_the_answer_feeds_the_new_customer(client, partner, mocked) -> None:
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="321", username="PartnerNick"))
    response = kakao_login(client, mocked)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = _session_user(client)
    assert user.customer.nickname == "PartnerNick"
    assert user.partner_link.server_custom_id == "321" and not user.partner_link.linked
    assert user.partner_link.partner_data["loyalty_level"] == "gold"


@pytest.mark.parametrize(
    ("mock", "message"),
    [
        ({"status": 403, "json": {"message": "Banned at the partner."}}, "Banned at the partner."),
        ({"status": 500}, "unavailable"),
        ({"json": answer(player_id="")}, "cannot use"),
    ],
)
def test_partner_faults_leave_nothing_behind(client, partner, mocked, mock, message) -> None:
    configure_partner(linking=True)
    mocked.add(responses.POST, SOCIAL, **mock)
    response = kakao_login(client, mocked)
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    page = client.get(response["Location"]).content.decode()
    assert message in page
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    assert Delivery.objects.filter(webhook="social_login").count() == 1


def test_known_social_customer_becomes_the_linked_one(client, partner, mocked) -> None:
    configure_partner(linking=False)
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="888"))
    kakao_login(client, mocked)
    user = _session_user(client)
    assert not user.partner_link.linked
    client.post("/accounts/logout/")
    configure_partner(linking=True)
    kakao_login(client, mocked)
    assert _session_user(client) == user
    link = PartnerLink.objects.get(user=user)
    assert link.linked and link.server_custom_id == "888"


def test_partner_is_asked_after_the_proof_of_ownership(client, partner, mocked) -> None:
    from allauth.account.models import EmailAddress

    owner = User.objects.create_user("minji", "minji@example.com", "correct horse")
    EmailAddress.objects.create(user=owner, email="minji@example.com", verified=True, primary=True)
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="31", username="gamer31"))
    assert kakao_login(client, mocked)["Location"] == "/sociallogin/link/"
    assert not any(c.request.url == SOCIAL for c in mocked.calls)  # held for the proof
    done = client.post("/sociallogin/link/", {"action": "password", "pw-password": "correct horse"})
    assert done.status_code == 302
    assert SocialAccount.objects.get().user == owner
    owner.customer.refresh_from_db()
    assert owner.customer.nickname == "gamer31"
    assert owner.partner_link.server_custom_id == "31"


def test_a_first_social_login_with_linking_writes_each_row_once(client, partner, mocked) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    configure_partner(linking=True)
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="556", username="PartnerNick"))
    with CaptureQueriesContext(connection) as queries:
        assert kakao_login(client, mocked).status_code == 302
    writes = [
        q["sql"].split("(")[0].split(" SET ")[0].strip()
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    # The link carries the ID and the answer from its INSERT; the customer row carries the
    # partner's profile values and its onboarding from its own.
    assert writes.count('INSERT INTO "keymap_partnerlink"') == 1, writes
    assert writes.count('INSERT INTO "store_customer"') == 1, writes
    assert not [w for w in writes if w.startswith(('UPDATE "keymap', 'UPDATE "store'))], writes
    # One look for a linked customer (the partner call's); the signup's INSERT relies on the
    # unique index for a link made since.
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "keymap_partnerlink"' in q for q in reads) == 1, reads
    user = _session_user(client)
    link = user.partner_link
    assert link.linked and link.server_custom_id == "556" and link.source == "social_login"
    assert link.partner_data["loyalty_level"] == "gold"
    customer = user.customer
    assert customer.nickname == "PartnerNick" and customer.welcome_granted_at is not None
    assert customer.profile_sources["nickname"]["source"] == "partner:social_login"


def test_a_signup_that_loses_the_link_race_stays_unlinked_with_the_id(
    client, partner, mocked, monkeypatch, caplog
) -> None:
    """Another customer is linked to the ID between the partner's answer and the signup's
    INSERT: the partial unique index refuses it, the winner is re-read, the signup ends."""
    from keymap import flows, partner_links

    configure_partner(linking=True)
    winner = User.objects.create_user("winner")
    PartnerLink.objects.create(user=winner, server_custom_id="557", linked=True)
    real_find = partner_links.find_linked
    looks: list[str] = []

    def spy(custom_id: str) -> Any:
        looks.append(custom_id)
        return real_find(custom_id)

    # The partner call's look came before the winner's commit.
    monkeypatch.setattr(flows, "find_linked", lambda custom_id: None)
    monkeypatch.setattr(partner_links, "find_linked", spy)
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="557", username="Late"))
    assert kakao_login(client, mocked).status_code == 302
    user = _session_user(client)
    assert user != winner
    assert user.partner_link.server_custom_id == "557" and not user.partner_link.linked
    assert PartnerLink.objects.get(linked=True, server_custom_id="557").user == winner
    assert user.customer.nickname == "Late" and user.customer.welcome_granted_at is not None
    assert "raced a link" in caplog.text
    # The signup's INSERT was refused by the index, then the winner re-read once.
    assert "re-reading the winner" in caplog.text and looks == ["557"]


def test_returning_linked_social_login_with_the_same_answer_writes_nothing_of_ours(
    client, partner, mocked
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    configure_partner(linking=True)
    mocked.add(responses.POST, SOCIAL, json=answer(player_id="555"))
    kakao_login(client, mocked)
    client.post("/accounts/logout/")
    with CaptureQueriesContext(connection) as ctx:
        assert kakao_login(client, mocked).status_code == 302
    sql = [q["sql"] for q in ctx.captured_queries]
    # allauth asks once whether the user exists; the partner step knows it from the lookup.
    assert sum('FROM "auth_user" WHERE' in q and 'AS "a"' in q for q in sql) == 1, sql
    writes = [q for q in sql if q.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [q for q in writes if "keymap_partnerlink" in q or "store_customer" in q], writes
