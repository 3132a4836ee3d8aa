"""The app's Kakao login is the web's: the same login pipeline (Kakao Sync's terms and
channel, deleted accounts, custom storage, welcome benefits once), through allauth
headless's app client against a live shop and the Kakao sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from kakaosync.models import KakaoSyncMember
from keymap.models import PartnerLink
from sociallogin.models import DeletedSocialAccount, RejoinPolicy
from store.models import PointEntry, StoreSettings
from store.services.customers import delete_account
from tests.keymap.conftest import configure_partner

from .client import AppClient, kakao_sdk_login
from .conftest import NATIVE_KEY

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()
REQUIRED = "terms_of_service,privacy_policy"


def _login(app: AppClient, sandbox: Any, *, person: int = 1001, **form: str) -> Any:
    sdk = kakao_sdk_login(sandbox.base_url, person=person, **form)
    return app.provider_token(
        "kakao",
        {
            "client_id": NATIVE_KEY,
            "access_token": sdk.access_token,
            "id_token": sdk.id_token,
            "nonce": sdk.nonce,
        },
    )


def test_sync_signup_from_the_app_stores_terms_and_channel(
    app: AppClient, sync_on, native_client, sandbox
) -> None:
    resp = _login(app, sandbox, terms=REQUIRED + ",marketing", channels="_shopch")
    assert resp.status_code == 200, resp.text
    member = KakaoSyncMember.objects.get(kakao_user_id=1001)
    assert member.joined_via_sync and member.channel_status == "ADDED"
    assert {t["tag"] for t in member.terms if t["agreed"]} == {
        "terms_of_service",
        "privacy_policy",
        "marketing",
    }
    assert member.user.customer.marketing_consent


def test_sync_signup_without_the_required_terms_creates_nothing(
    app: AppClient, sync_on, native_client, sandbox
) -> None:
    resp = _login(app, sandbox, terms="terms_of_service")
    assert resp.status_code == 403, resp.text
    assert resp.json()["errors"][0]["code"] == "required_terms"  # allauth headless's shape
    assert app.session_token is None
    assert not User.objects.exists() and not KakaoSyncMember.objects.exists()


def test_sync_needs_the_access_token_not_only_the_id_token(
    app: AppClient, sync_on, native_client, sandbox
) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, terms=REQUIRED)
    resp = app.provider_token(
        "kakao", {"client_id": NATIVE_KEY, "id_token": sdk.id_token, "nonce": sdk.nonce}
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["code"] == "access_token_required"
    assert not User.objects.exists()


def test_welcome_benefits_once_across_logins_and_a_rejoin(
    app: AppClient, sync_on, native_client, sandbox
) -> None:
    StoreSettings.objects.update_or_create(pk=1, defaults={"welcome_points": 1000})
    assert _login(app, sandbox, terms=REQUIRED).status_code == 200
    assert app.logout().status_code == 401  # allauth headless: logged out
    assert _login(AppClient(app.base_url), sandbox, terms=REQUIRED).status_code == 200
    assert PointEntry.objects.filter(reason="welcome").count() == 1

    # Deleted, then allowed back at once: a new customer, but no second welcome.
    RejoinPolicy.objects.create(cooldown_days=0)
    delete_account(SocialAccount.objects.get(provider="kakao", uid="1001").user)
    rejoin = AppClient(app.base_url)
    assert _login(rejoin, sandbox, terms=REQUIRED).status_code == 200
    again = SocialAccount.objects.get(provider="kakao", uid="1001").user
    assert again.is_active and not PointEntry.objects.filter(customer__user=again).exists()
    assert PointEntry.objects.filter(reason="welcome").count() == 1


def test_a_deleted_account_cannot_sign_up_again_from_the_app(
    app: AppClient, sync_on, native_client, sandbox
) -> None:
    assert _login(app, sandbox, terms=REQUIRED).status_code == 200
    user = SocialAccount.objects.get(provider="kakao", uid="1001").user
    delete_account(user)
    assert DeletedSocialAccount.objects.filter(provider="kakao").exists()
    other = AppClient(app.base_url)
    resp = _login(other, sandbox, terms=REQUIRED)
    # The login pipeline's refusal (its JSON form is the browser-headless work's).
    assert resp.status_code == 403, resp.text
    assert other.session_token is None
    assert User.objects.filter(is_active=True).count() == 0
    assert not SocialAccount.objects.exists()


def test_custom_storage_links_the_partners_user(
    app: AppClient, kakao_login, native_client, sandbox, partner_sandbox
) -> None:
    from kakaosync.models import KakaoSyncSettings

    from .conftest import APP_ID

    KakaoSyncSettings.objects.update_or_create(pk=1, defaults={"app_id": APP_ID})
    configure_partner(partner_sandbox.base_url, linking=True)
    resp = _login(app, sandbox)
    assert resp.status_code == 200, resp.text
    link = PartnerLink.objects.get()
    assert link.linked and link.server_custom_id == "87654321"
    assert link.user == SocialAccount.objects.get(provider="kakao").user
    assert [d["webhook"] for d in partner_sandbox.received] == ["social_login"]
    # The plugin's JWT for the app session carries the partner's answer.
    jwt_resp = app.plugin_jwt()
    assert jwt_resp.status_code == 200, jwt_resp.text
    import jwt

    claims = jwt.decode(jwt_resp.json()["access_token"], options={"verify_signature": False})
    assert claims["type"] == "kakao" and claims["partner_data"]["user"]["player_id"] == "87654321"
