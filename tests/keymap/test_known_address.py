"""A partner password login for an address an account of the shop already has.

One person, one account: the partner's word that the shopper holds the address at the
partner proves nothing about the shop's account, so the login waits on the proof page
social logins get (the account's password or a code mailed to the address), and the
partner identity is connected to the account only after it; nothing is written before.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import responses
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from keymap import partner_links
from keymap.models import PartnerLink
from store.models import AccountTakeover

from .conftest import PARTNER, PATHS, answer, configure_partner

User = get_user_model()
AUTH = PARTNER + PATHS["user_authentication"]
VALIDATE = PARTNER + PATHS["user_validation"]
ADDRESS = "minji@example.com"


@pytest.fixture
def shop_account(db: Any) -> Any:
    user = User.objects.create_user("minji", ADDRESS, "shop-password-1")
    EmailAddress.objects.create(user=user, email=ADDRESS, verified=True, primary=True)
    return user


def _partner_login(client: Any, login: str = ADDRESS) -> Any:
    responses.post(AUTH, json=answer(player_id="777", username="minji-p"))
    return client.post(reverse("account_login"), {"login": login, "password": "partner-pw"})


def _logged_in(client: Any) -> Any:
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("linking", [True, False])
@responses.activate
def test_the_login_waits_for_the_proof_and_writes_nothing(
    client: Any, shop_account: Any, linking: bool
) -> None:
    configure_partner(linking=linking)
    response = _partner_login(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("sociallogin:link")
    assert User.objects.count() == 1
    assert not PartnerLink.objects.exists()
    assert _logged_in(client) is None
    page = client.get(reverse("sociallogin:link"))
    assert page.status_code == 200
    assert "store ID" in page.content.decode()
    assert "mi•••@example.com" in page.content.decode()


@pytest.mark.parametrize("linking", [True, False])
@responses.activate
def test_the_accounts_password_connects_the_store_id(
    client: Any, shop_account: Any, linking: bool
) -> None:
    configure_partner(linking=linking)
    _partner_login(client)
    response = client.post(
        reverse("sociallogin:link"), {"action": "password", "pw-password": "shop-password-1"}
    )
    assert response.status_code == 302
    assert _logged_in(client) == str(shop_account.pk)
    assert client.session["store.login_type"] == "partner"
    assert User.objects.count() == 1
    link = PartnerLink.objects.get()
    assert link.user == shop_account
    assert (link.server_custom_id, link.linked) == ("777", linking)
    assert link.partner_login == ADDRESS
    shop_account.refresh_from_db()
    assert shop_account.has_usable_password()  # the owner proved it: nothing taken over
    # The next partner login goes straight in, to the same account.
    client.logout()
    responses.replace(responses.POST, AUTH, json=answer(player_id="777", username="minji-p"))
    client.post(reverse("account_login"), {"login": ADDRESS, "password": "partner-pw"})
    assert _logged_in(client) == str(shop_account.pk)
    assert User.objects.count() == 1


@responses.activate
def test_a_code_mailed_to_the_address_connects_it(client: Any, shop_account: Any) -> None:
    configure_partner(linking=True)
    _partner_login(client)
    client.post(reverse("sociallogin:link"), {"action": "send_code"})
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    client.post(reverse("sociallogin:link"), {"action": "code", "code-code": code})
    assert _logged_in(client) == str(shop_account.pk)
    assert PartnerLink.objects.get(linked=True).user == shop_account
    assert not AccountTakeover.objects.exists()  # a verified address: no take-over


@responses.activate
def test_a_partner_vouching_for_someone_elses_address_gets_nothing(
    client: Any, shop_account: Any
) -> None:
    configure_partner(linking=True)
    _partner_login(client)  # the partner let someone register the victim's address
    response = client.post(
        reverse("sociallogin:link"), {"action": "password", "pw-password": "guess"}
    )
    assert (
        response.status_code == 200 and "This password is not right." in response.content.decode()
    )
    client.post(reverse("sociallogin:link"), {"action": "code", "code-code": "000000"})
    assert _logged_in(client) is None
    assert not PartnerLink.objects.exists()
    assert User.objects.count() == 1
    # Starting over does not let the partner identity in either.
    client.get(reverse("account_logout"))
    responses.replace(responses.POST, AUTH, json=answer(player_id="777", username="minji-p"))
    client.post(reverse("account_login"), {"login": ADDRESS, "password": "partner-pw"})
    assert _logged_in(client) is None and User.objects.count() == 1


@responses.activate
def test_a_never_verified_address_is_taken_over_by_its_mailboxs_owner(client: Any, db: Any) -> None:
    # Someone registered the address without ever proving it, with a password of theirs.
    squatter = User.objects.create_user("squatter", ADDRESS, "squatter-password")
    EmailAddress.objects.create(user=squatter, email=ADDRESS, verified=False, primary=True)
    configure_partner(linking=True)
    _partner_login(client)
    page = client.get(reverse("sociallogin:link")).content.decode()
    assert 'data-testid="link-takeover-note"' in page
    client.post(reverse("sociallogin:link"), {"action": "send_code"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    client.post(reverse("sociallogin:link"), {"action": "code", "code-code": code})
    assert _logged_in(client) == str(squatter.pk)
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()  # the squatter's way in ended
    assert AccountTakeover.objects.filter(user=squatter).exists()
    assert EmailAddress.objects.get(user=squatter).verified
    assert PartnerLink.objects.get(linked=True).user == squatter
    assert User.objects.count() == 1


@responses.activate
def test_an_address_only_in_the_user_row_also_asks_for_the_proof(client: Any, db: Any) -> None:
    User.objects.create_user("imported", ADDRESS, "pw-imported")  # no allauth address row
    configure_partner(linking=True)
    response = _partner_login(client)
    assert response["Location"] == reverse("sociallogin:link")
    assert User.objects.count() == 1


@responses.activate
def test_an_account_linked_to_another_store_id_is_refused_with_what_to_do(
    client: Any, shop_account: Any
) -> None:
    configure_partner(linking=True)
    PartnerLink.objects.create(user=shop_account, server_custom_id="999", linked=True)
    response = _partner_login(client)
    assert response.status_code == 200
    assert "connected to another store ID" in response.content.decode()
    assert "unavailable" not in response.content.decode()
    assert User.objects.count() == 1 and PartnerLink.objects.count() == 1


@responses.activate
def test_a_closed_account_is_refused_with_what_to_do(client: Any, shop_account: Any) -> None:
    configure_partner(linking=True)
    User.objects.filter(pk=shop_account.pk).update(is_active=False)
    response = _partner_login(client)
    assert "Please contact the shop." in response.content.decode()
    assert "unavailable" not in response.content.decode()
    assert User.objects.count() == 1 and not PartnerLink.objects.exists()


@responses.activate
def test_a_store_id_linked_meanwhile_is_not_connected_twice(client: Any, shop_account: Any) -> None:
    configure_partner(linking=True)
    _partner_login(client)
    # A user-ID login with the same ID made its own customer while the proof waited.
    responses.post(VALIDATE, status=200)
    other = _user_id_login("777")
    response = client.post(
        reverse("sociallogin:link"), {"action": "password", "pw-password": "shop-password-1"}
    )
    assert response.status_code == 302
    assert _logged_in(client) is None
    assert PartnerLink.objects.get(linked=True).user_id == other
    assert not PartnerLink.objects.filter(user=shop_account).exists()


def _user_id_login(user_id: str) -> int:
    """Logs in by user ID in another browser; the pk of the customer it lands on."""
    other = Client()
    other.post(reverse("keymap:user_id_login"), {"user_id": user_id})
    return int(other.session["_auth_user_id"])


@responses.activate
def test_a_user_id_login_never_reaches_an_account_by_its_address(
    client: Any, shop_account: Any
) -> None:
    configure_partner(linking=True)
    responses.post(VALIDATE, status=200)
    client.post(reverse("keymap:user_id_login"), {"user_id": ADDRESS})
    assert _logged_in(client) != str(shop_account.pk)
    assert not PartnerLink.objects.filter(user=shop_account).exists()


def test_a_new_customer_the_database_refuses_is_no_link_race(db: Any) -> None:
    User.objects.create_user("taken", "taken@example.com", "pw")
    calls: list[int] = []

    def create() -> Any:
        calls.append(1)
        return User.objects.create_user("taken", "other@example.com", "pw")

    with pytest.raises(partner_links.NewCustomerRefused):
        partner_links.linked_user("555", create=create)
    assert calls == [1]  # once: not retried as if another login had linked the ID
    assert not PartnerLink.objects.exists()


def test_the_address_owner_lookup_prefers_the_verified_address(db: Any) -> None:
    typed = User.objects.create_user("typed", ADDRESS, "pw")
    owner = User.objects.create_user("owner", "else@example.com", "pw")
    EmailAddress.objects.create(user=owner, email=ADDRESS.upper(), verified=True)
    found = partner_links.email_owner(ADDRESS)
    assert found is not None and (found.user, found.verified) == (owner, True)
    EmailAddress.objects.filter(user=owner).delete()
    found = partner_links.email_owner(ADDRESS)
    assert found is not None and (found.user, found.verified) == (typed, False)
    assert partner_links.email_owner("nobody@example.com") is None


@responses.activate
def test_another_login_view_is_told_where_to_prove_it(rf: Any, shop_account: Any) -> None:
    from django.contrib.auth import authenticate
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    configure_partner(linking=True)
    responses.post(AUTH, json=answer(player_id="777"))
    request = rf.post("/host/login/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    # A host's own login form: Django's authenticate(), no allauth adapter in between.
    assert authenticate(request, username=ADDRESS, password="partner-pw") is None
    told = [str(m) for m in get_messages(request)]
    assert told and reverse("sociallogin:link") in told[0]
    assert "unavailable" not in told[0]
    assert request.session["sociallogin_link"]["kind"] == "partner"
    assert User.objects.count() == 1 and not PartnerLink.objects.exists()


@responses.activate
def test_allauth_headless_answers_with_what_to_do(client: Any, shop_account: Any) -> None:
    configure_partner(linking=True)
    responses.post(AUTH, json=answer(player_id="777"))
    response = client.post(
        "/_allauth/browser/v1/auth/login",
        {"email": ADDRESS, "password": "partner-pw"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content[:500]
    errors = response.json()["errors"]
    assert any(reverse("sociallogin:link") in e["message"] for e in errors), errors
    assert User.objects.count() == 1 and not PartnerLink.objects.exists()


@responses.activate
def test_the_proof_page_reads_in_korean(client: Any, shop_account: Any) -> None:
    configure_partner(linking=True)
    _partner_login(client)
    page = client.get(reverse("sociallogin:link"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "쇼핑몰 아이디 로그인을 그 계정에 연결해 드립니다" in page


@responses.activate
def test_a_squatters_store_id_does_not_keep_the_mailboxs_owner_out(client: Any, db: Any) -> None:
    squatter = User.objects.create_user("squatter", ADDRESS, "squatter-password")
    PartnerLink.objects.create(user=squatter, server_custom_id="999", linked=True)
    configure_partner(linking=True)
    _partner_login(client)
    # The squatter's own password cannot move the account to another store ID...
    client.post(
        reverse("sociallogin:link"), {"action": "password", "pw-password": "squatter-password"}
    )
    assert _logged_in(client) is None
    assert PartnerLink.objects.get(user=squatter).server_custom_id == "999"
    # ...but the code mailed to the never-verified address takes the account over.
    client.get(reverse("account_logout"))
    responses.replace(responses.POST, AUTH, json=answer(player_id="777", username="minji-p"))
    client.post(reverse("account_login"), {"login": ADDRESS, "password": "partner-pw"})
    client.post(reverse("sociallogin:link"), {"action": "send_code"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    client.post(reverse("sociallogin:link"), {"action": "code", "code-code": code})
    assert _logged_in(client) == str(squatter.pk)
    assert PartnerLink.objects.get(user=squatter).server_custom_id == "777"
    assert not PartnerLink.objects.filter(server_custom_id="999").exists()
