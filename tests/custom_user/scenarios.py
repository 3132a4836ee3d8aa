"""The plugin on a host user model; run by ``test_custom_user.py`` in its own process.

Not collected by the main run (the file name does not start with ``test_``): importing it
needs ``tests.custom_user.settings``.
"""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from store.services import customers
from tests.keymap.conftest import PARTNER, PATHS, configure_partner

User = get_user_model()
VALIDATE = PARTNER + PATHS["user_validation"]
CHANGELISTS = [
    "admin:store_customer_changelist",
    "admin:commerce_coupon_changelist",
    "admin:kakaosync_kakaosyncmember_changelist",
    "admin:keymap_partnerlink_changelist",
    "admin:sociallogin_archivedsocialaccount_changelist",
]


def test_the_project_is_the_custom_one() -> None:
    assert User._meta.label == "accounts.User"
    assert not hasattr(User, "username")


@pytest.mark.django_db
def test_system_checks_pass() -> None:
    call_command("check", fail_level="ERROR")


@pytest.mark.django_db
def test_two_deletions_in_a_row() -> None:
    first = User.objects.create_user("first@example.com", "pw")
    second = User.objects.create_user("second@example.com", "pw")
    customers.delete_account(first)
    customers.delete_account(second)
    for user in (first, second):
        user.refresh_from_db()
        assert not user.is_active
        assert user.email == f"deleted-{user.pk}@placeholder.invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_admin_changelist_searches_and_sorts(admin_client: Any, url_name: str) -> None:
    response = admin_client.get(reverse(url_name), {"q": "x", "o": "1"})
    assert response.status_code == 200


@pytest.mark.django_db
@responses.activate
def test_user_id_login_keeps_the_hint_out_of_the_email(client: Any) -> None:
    configure_partner()
    responses.post(VALIDATE, status=200)
    response = client.post(reverse("keymap:user_id_login"), {"user_id": "87654321"})
    assert response.status_code == 302
    user = User.objects.get(partner_link__server_custom_id="87654321")
    assert "user-87654321" not in user.email
    assert user.email.endswith("@placeholder.invalid")
    user.full_clean(exclude=["password"])


def test_allauth_settings_for_a_user_name_are_named(settings: Any) -> None:
    from store.checks import check_user_model

    del settings.ACCOUNT_USER_MODEL_USERNAME_FIELD
    settings.ACCOUNT_LOGIN_METHODS = {"email", "username"}
    settings.ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
    errors = check_user_model()
    assert [e.id for e in errors] == ["store.E020"] * 3
    hints = " ".join(str(e.hint) for e in errors)
    for setting in ("ACCOUNT_USER_MODEL_USERNAME_FIELD", "ACCOUNT_LOGIN_METHODS"):
        assert setting in hints
    assert "ACCOUNT_SIGNUP_FIELDS" in hints


def test_allauth_settings_of_the_recipe_pass(settings: Any) -> None:
    from store.checks import check_user_model

    assert check_user_model() == []


@pytest.mark.django_db
def test_login_page_answers(client: Any) -> None:
    assert client.get(reverse("account_login")).status_code == 200


@pytest.mark.django_db
@responses.activate
def test_signup_at_the_partner_sends_the_email_as_its_login(client: Any) -> None:
    import json

    from tests.keymap.conftest import answer

    configure_partner()
    responses.post(PARTNER + PATHS["user_creation"], json=answer(player_id="777"))
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-Long-pass-123",
            "password2": "a-Long-pass-123",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sent = json.loads(responses.calls[0].request.body)
    assert sent["username"] == sent["email"] == "new@example.com"
    assert User.objects.get(email="new@example.com").partner_link.server_custom_id == "777"


@pytest.mark.django_db
def test_deleting_an_apple_customer_records_its_revocation() -> None:
    from allauth.socialaccount.models import SocialAccount

    from sociallogin.models import AppleRevocation

    user = User.objects.create_user("apple@example.com", "pw")
    SocialAccount.objects.create(user=user, provider="apple", uid="apple-1")
    customers.delete_account(user)
    assert AppleRevocation.objects.get(user_id=user.pk).outcome == "no_token"


def _partner_login(client: Any, login: str) -> Any:
    from tests.keymap.conftest import answer

    responses.post(PARTNER + PATHS["user_authentication"], json=answer(player_id="777"))
    return client.post(reverse("account_login"), {"login": login, "password": "partner-pw"})


@pytest.mark.django_db
@responses.activate
def test_partner_login_for_a_known_address_links_after_the_password(client: Any) -> None:
    from allauth.account.models import EmailAddress

    owner = User.objects.create_user("known@example.com", "shop-password-1")
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    configure_partner(linking=True)
    response = _partner_login(client, "known@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("sociallogin:link")
    assert User.objects.count() == 1 and "_auth_user_id" not in client.session
    response = client.post(
        reverse("sociallogin:link"), {"action": "password", "pw-password": "shop-password-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert User.objects.count() == 1
    assert User.objects.get(partner_link__server_custom_id="777") == owner


@pytest.mark.django_db
@responses.activate
def test_partner_login_for_a_never_verified_address_takes_it_over_by_code(client: Any) -> None:
    import re

    from django.core import mail

    squatter = User.objects.create_user("known@example.com", "squatter-password")
    configure_partner(linking=True)
    _partner_login(client, "KNOWN@example.com")
    client.post(reverse("sociallogin:link"), {"action": "send_code"})
    assert [m.to for m in mail.outbox] == [["known@example.com"]]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    client.post(reverse("sociallogin:link"), {"action": "code", "code-code": code})
    assert client.session["_auth_user_id"] == str(squatter.pk)
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()
    assert User.objects.count() == 1
    assert squatter.partner_link.linked


@pytest.mark.django_db
@responses.activate
def test_partner_login_for_a_new_address_makes_one_customer(client: Any) -> None:
    configure_partner(linking=True)
    response = _partner_login(client, "fresh@example.com")
    assert response.status_code == 302
    user = User.objects.get(partner_link__server_custom_id="777")
    assert user.email == "fresh@example.com"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_a_refused_user_row_is_no_link_race() -> None:
    from keymap import partner_links

    User.objects.create_user("taken@example.com", "pw")
    calls: list[int] = []

    def create() -> Any:
        calls.append(1)
        return User.objects.create_user("taken@example.com", "pw")

    with pytest.raises(partner_links.NewCustomerRefused):
        partner_links.linked_user("555", create=create)
    assert calls == [1]


@pytest.mark.django_db
@responses.activate
def test_a_kakao_callback_on_a_misconfigured_host_is_the_shops_error(settings: Any) -> None:
    from django.test import Client

    from sociallogin.models import ProviderSettings
    from tests.sociallogin.conftest import mock_kakao, social_login

    # The README's settings without the allauth one a model without a user name needs.
    del settings.ACCOUNT_USER_MODEL_USERNAME_FIELD
    ProviderSettings.objects.update_or_create(
        provider="kakao",
        defaults={"enabled": True, "client_id": "kakao-client", "secret": "kakao-secret"},
    )
    mock_kakao(responses.mock)
    response = social_login(Client(raise_request_exception=False))
    assert response.status_code == 500, response.content.decode()[:1000]
    assert "Kakao" not in response.content.decode()
