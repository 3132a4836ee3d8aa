"""The platform's rules, enforced on the server (issue 3, rules 1-6) and linking."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail

from sociallogin import client_ids, tombstones
from sociallogin.forms import ProviderSettingsForm
from sociallogin.models import ArchivedSocialAccount, DeletedSocialAccount, ProviderSettings
from store.models import StoreSettings
from store.services.customers import delete_account

from .conftest import kakao_user, mock_kakao, social_login

User = get_user_model()


def restrict(on: bool = True) -> None:
    s = StoreSettings.load()
    s.age_restricted = on
    s.save()


# --- rule 3: age-restricted store ---------------------------------------------------


def test_age_restricted_store_neither_offers_nor_accepts(client: Any, kakao: Any) -> None:
    assert 'data-provider="kakao"' in client.get("/accounts/login/").content.decode()
    restrict()
    page = client.get("/accounts/login/").content.decode()
    assert 'data-provider="kakao"' not in page
    login = client.post("/accounts/kakao/login/")
    assert login.status_code == 403
    assert "date of birth" in login.content.decode()
    callback = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": "s"})
    assert callback.status_code == 403


def test_age_restriction_applied_at_callback_even_after_redirect(
    client: Any, kakao: Any, mocked: Any
) -> None:
    from .conftest import start_login

    mock_kakao(mocked)
    state = start_login(client)
    restrict()
    resp = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert resp.status_code == 403
    assert not User.objects.exists()


def test_pending_social_signup_is_closed_by_the_restriction(
    client: Any, kakao: Any, mocked: Any
) -> None:
    kakao.signup_fields = {**kakao.signup_fields, "phone": "required"}
    kakao.save()
    mock_kakao(mocked)
    assert social_login(client)["Location"] == "/accounts/3rdparty/signup/"
    restrict()
    page = client.get("/accounts/3rdparty/signup/")
    assert 'name="phone"' not in page.content.decode()  # allauth's "sign up closed" page
    client.post(
        "/accounts/3rdparty/signup/",
        {"email": "minji@example.com", "name": "M", "phone": "010-1111-2222"},
    )
    assert not User.objects.exists()


def test_admin_form_cannot_switch_on_while_restricted(db: Any) -> None:
    restrict()
    form = ProviderSettingsForm(
        data={"enabled": "on", "client_id": "abc", "secret": "s", **_rules()},
        instance=ProviderSettings(provider="naver"),
    )
    assert not form.is_valid()
    assert "date of birth" in str(form.errors["enabled"])


def test_turning_restriction_on_asks_to_switch_providers_off(kakao: Any) -> None:
    from sociallogin.admin import AgeRestrictionStoreSettingsForm

    current = StoreSettings.load()
    data = {"name": current.name, "age_restricted": "on", "welcome_points": 0}
    form = AgeRestrictionStoreSettingsForm(data=data, instance=current)
    assert not form.is_valid()
    assert "Kakao" in str(form.errors["age_restricted"])
    form = AgeRestrictionStoreSettingsForm(
        data={**data, "switch_off_social_login": "on"}, instance=current
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not ProviderSettings.objects.get(provider="kakao").enabled
    assert StoreSettings.load().age_restricted


def _rules(**overrides: str) -> dict[str, str]:
    from sociallogin.catalog import DEFAULT_SIGNUP_RULES

    return {f"rule_{k}": overrides.get(k, v) for k, v in DEFAULT_SIGNUP_RULES.items()}


# --- rule 4: deleted accounts -------------------------------------------------------


def test_deleted_social_account_cannot_join_again_until_lifted(
    client: Any, kakao: Any, mocked: Any, settings: Any
) -> None:
    mock_kakao(mocked)
    assert social_login(client).status_code == 302
    user = User.objects.get()
    delete_account(user)
    tomb = DeletedSocialAccount.objects.get()
    assert "4242" not in tomb.digest
    assert tomb.digest == tombstones.digest("kakao", "4242")
    assert not SocialAccount.objects.exists()

    client.logout()
    again = social_login(client)
    assert again.status_code == 403
    assert 'data-testid="social-deleted-account"' in again.content.decode()
    assert User.objects.count() == 1  # nothing new created

    tomb.lifted_at = tomb.created_at
    tomb.save()
    assert social_login(client).status_code == 302
    assert User.objects.count() == 2


def test_tombstone_is_keyed(settings: Any) -> None:
    settings.SOCIALLOGIN_TOMBSTONE_KEY = "one"
    a = tombstones.digest("kakao", "1")
    settings.SOCIALLOGIN_TOMBSTONE_KEY = "two"
    assert tombstones.digest("kakao", "1") != a


def test_store_id_customer_deletion_leaves_no_tombstone(db: Any) -> None:
    from store.services.customers import onboard

    user = User.objects.create_user("plain", "plain@example.com", "pw")
    onboard(user)
    delete_account(user)
    assert not DeletedSocialAccount.objects.exists()


def test_store_id_customer_who_connected_a_provider_cannot_join_again_with_it(
    client: Any, kakao: Any, mocked: Any
) -> None:
    from store.services.customers import onboard

    user = User.objects.create_user("plain", "plain@example.com", "pw")
    onboard(user)
    SocialAccount.objects.create(user=user, provider="kakao", uid="4242")
    delete_account(user)
    assert DeletedSocialAccount.objects.get().digest == tombstones.digest("kakao", "4242")

    mock_kakao(mocked, kakao_user(email="other@example.com"))
    again = social_login(client)
    assert again.status_code == 403
    assert "An account that used this Kakao account was deleted" in again.content.decode()
    assert User.objects.count() == 1


def test_first_login_screening_is_one_query(
    kakao: Any, existing: Any, django_assert_num_queries: Any
) -> None:
    from allauth.socialaccount.models import SocialLogin

    from sociallogin import ownership

    login = SocialLogin(
        account=SocialAccount(provider="kakao", uid="4242"),
        email_addresses=[EmailAddress(email="MINJI@example.com", verified=True)],
    )
    with django_assert_num_queries(1):
        assert ownership.screen_new_login(login, check_tombstone=True, find_owner=True)[:2] == (
            False,
            existing.pk,
        )
    tombstones.bury("kakao", "4242")
    with django_assert_num_queries(1):
        assert ownership.screen_new_login(login, check_tombstone=True, find_owner=True)[:2] == (
            True,
            existing.pk,
        )
    login.email_addresses[0].verified = False
    assert ownership.screen_new_login(login, check_tombstone=True, find_owner=True)[:2] == (
        True,
        None,
    )


# --- rule 5: client ID changes ------------------------------------------------------


def test_client_id_change_asks_archives_and_restores(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    social_login(client)
    client.logout()
    assert client_ids.linked_count("kakao") == 1

    data = {"enabled": "on", "client_id": "new-client", **_rules()}
    form = ProviderSettingsForm(data=data, instance=ProviderSettings.objects.get(provider="kakao"))
    assert not form.is_valid()
    assert form.needs_confirmation and form.linked == 1
    assert "1 customer" in str(form.errors["client_id"])

    form = ProviderSettingsForm(
        data={**data, "confirm_client_id_change": "on"},
        instance=ProviderSettings.objects.get(provider="kakao"),
    )
    assert form.is_valid(), form.errors
    form.save()
    assert client_ids.linked_count("kakao") == 0
    archived = ArchivedSocialAccount.objects.get()
    assert (archived.client_id, archived.uid) == ("kakao-client", "4242")

    back = {**data, "client_id": "kakao-client"}
    form = ProviderSettingsForm(data=back, instance=ProviderSettings.objects.get(provider="kakao"))
    assert form.is_valid(), form.errors  # nobody is linked under new-client
    form.save()
    restored = SocialAccount.objects.get()
    assert restored.uid == "4242"
    assert restored.date_joined == archived.date_joined
    assert not ArchivedSocialAccount.objects.exists()
    from sociallogin.models import ClientIdChange

    assert [(c.archived, c.restored) for c in ClientIdChange.objects.order_by("pk")] == [
        (1, 0),
        (0, 1),
    ]
    # The restored customer logs in again, no new account.
    assert social_login(client).status_code == 302
    assert User.objects.count() == 1


# --- rule 1: signup fields ----------------------------------------------------------


def test_required_missing_field_is_asked_prefilled(client: Any, kakao: Any, mocked: Any) -> None:
    kakao.signup_fields = {**kakao.signup_fields, "phone": "required", "birthday": "optional"}
    kakao.save()
    store = StoreSettings.load()
    store.welcome_points = 500
    store.save()
    mock_kakao(mocked, kakao_user(name="김민지"))
    resp = social_login(client)
    assert resp["Location"] == "/accounts/3rdparty/signup/"
    page = client.get(resp["Location"]).content.decode()
    assert 'name="phone"' in page and 'name="birthday"' in page
    assert 'name="gender"' not in page  # hidden for Kakao
    assert 'value="김민지"' in page  # pre-filled
    # Says why it asks, with the store's name and the provider's; optional fields say so.
    assert "Kakao did not share everything" in page and StoreSettings.load().name in page
    assert "Date of birth (optional)" in page and "Phone (optional)" not in page
    bad = client.post(resp["Location"], {"email": "minji@example.com", "name": "김민지"})
    assert bad.status_code == 200  # phone is required
    done = client.post(
        resp["Location"],
        {"email": "minji@example.com", "name": "김민지", "phone": "010-1234-5678"},
    )
    assert done.status_code == 302
    customer = User.objects.get().customer
    assert customer.phone == "010-1234-5678"
    assert customer.nickname == "김민지"
    assert customer.join_channel == "kakao"
    assert customer.points_balance == 500  # the same welcome benefits, once


def test_no_form_when_provider_gave_the_required_fields(
    client: Any, kakao: Any, mocked: Any
) -> None:
    kakao.signup_fields = {**kakao.signup_fields, "phone": "required"}
    kakao.save()
    mock_kakao(mocked, kakao_user(phone_number="+82 10-9876-5432"))
    resp = social_login(client)
    assert resp["Location"] != "/accounts/3rdparty/signup/"
    assert User.objects.get().customer.phone == "010-9876-5432"


# --- linking with existing accounts -------------------------------------------------


@pytest.fixture
def existing(db: Any) -> Any:
    user = User.objects.create_user("minji", "minji@example.com", "correct horse")
    EmailAddress.objects.create(user=user, email="minji@example.com", verified=True, primary=True)
    return user


def test_verified_email_asks_password_before_linking(
    client: Any, kakao: Any, mocked: Any, existing: Any
) -> None:
    mock_kakao(mocked)
    resp = social_login(client)
    assert resp["Location"] == "/sociallogin/link/"
    assert not SocialAccount.objects.exists()
    page = client.get("/sociallogin/link/").content.decode()
    assert "mi•••@example.com" in page
    wrong = client.post("/sociallogin/link/", {"action": "password", "pw-password": "nope"})
    assert wrong.status_code == 200 and not SocialAccount.objects.exists()
    ok = client.post("/sociallogin/link/", {"action": "password", "pw-password": "correct horse"})
    assert ok.status_code == 302
    assert SocialAccount.objects.get().user == existing
    assert User.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == existing.pk
    # allauth recorded a social login of this account (reauthentication and MFA read it).
    records = client.session["account_authentication_methods"]
    assert records[-1]["method"] == "socialaccount"
    assert (records[-1]["provider"], records[-1]["uid"]) == ("kakao", "4242")


def test_social_account_deleted_while_proof_was_asked_is_refused_by_name(
    client: Any, kakao: Any, mocked: Any, existing: Any
) -> None:
    mock_kakao(mocked)
    assert social_login(client)["Location"] == "/sociallogin/link/"
    tombstones.bury("kakao", "4242")
    resp = client.post("/sociallogin/link/", {"action": "password", "pw-password": "correct horse"})
    assert resp.status_code == 403
    assert "An account that used this Kakao account was deleted" in resp.content.decode()
    assert not SocialAccount.objects.exists()


def test_linking_runs_pre_social_login_receivers_which_may_refuse(
    client: Any, kakao: Any, mocked: Any, existing: Any
) -> None:
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.signals import pre_social_login
    from django.http import HttpResponseForbidden

    seen = []

    def partner(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
        seen.append(sociallogin.is_existing)
        raise ImmediateHttpResponse(HttpResponseForbidden("partner says no"))

    mock_kakao(mocked)
    social_login(client)  # held for the proof: receivers not called yet
    assert seen == []
    pre_social_login.connect(partner, dispatch_uid="test.partner")
    try:
        resp = client.post(
            "/sociallogin/link/", {"action": "password", "pw-password": "correct horse"}
        )
    finally:
        pre_social_login.disconnect(dispatch_uid="test.partner")
    assert seen == [True]
    assert resp.status_code == 403
    assert not SocialAccount.objects.exists()  # the connection was undone


def test_one_time_code_proves_ownership(
    client: Any, kakao: Any, mocked: Any, existing: Any
) -> None:
    mock_kakao(mocked)
    social_login(client)
    client.post("/sociallogin/link/", {"action": "send_code"})
    client.post("/sociallogin/link/", {"action": "send_code"})  # too soon: no second mail
    assert len(mail.outbox) == 1
    assert "minji@example.com" in mail.outbox[0].to
    import re

    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    ok = client.post("/sociallogin/link/", {"action": "code", "code-code": code})
    assert ok.status_code == 302
    assert SocialAccount.objects.get().user == existing


def test_too_many_wrong_answers_drop_the_attempt(
    client: Any, kakao: Any, mocked: Any, existing: Any
) -> None:
    mock_kakao(mocked)
    social_login(client)
    for _ in range(5):
        client.post("/sociallogin/link/", {"action": "password", "pw-password": "nope"})
    assert client.get("/sociallogin/link/").status_code == 302
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize(
    "flags",
    [{"is_email_valid": False}, {"is_email_verified": False}],
    ids=["invalid", "unverified"],
)
def test_untrusted_kakao_email_never_links(
    client: Any, kakao: Any, mocked: Any, existing: Any, flags: dict[str, bool]
) -> None:
    mock_kakao(mocked, kakao_user(**flags))
    resp = social_login(client)
    assert resp["Location"] != "/sociallogin/link/"
    assert not SocialAccount.objects.filter(user=existing).exists()


def test_naver_blanket_verified_flag_is_not_trusted(
    client: Any, enable_provider: Any, mocked: Any, existing: Any
) -> None:
    import responses

    enable_provider("naver")
    mocked.add(responses.POST, "https://nid.naver.com/oauth2.0/token", json={"access_token": "t"})
    mocked.add(
        responses.GET,
        "https://openapi.naver.com/v1/nid/me",
        json={"resultcode": "00", "response": {"id": "n1", "email": "minji@example.com"}},
    )
    resp = social_login(client, "naver")
    assert resp["Location"] != "/sociallogin/link/"
    assert not SocialAccount.objects.filter(user=existing).exists()


def test_disconnect_refused_for_last_login_method(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    social_login(client)
    account = SocialAccount.objects.get()
    resp = client.post("/accounts/3rdparty/", {"account": account.pk})
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert resp.status_code in (200, 302)


def test_fields_hidden_for_the_provider_are_not_kept(client: Any, kakao: Any, mocked: Any) -> None:
    kakao.signup_fields = {**kakao.signup_fields, "phone": "hidden", "gender": "optional"}
    kakao.save()
    mock_kakao(mocked, kakao_user(phone_number="+82 10-9876-5432", gender="female"))
    social_login(client)
    customer = User.objects.get().customer
    assert customer.phone == ""
    assert customer.gender == "female"
