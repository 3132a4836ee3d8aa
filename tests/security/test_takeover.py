"""Promises of the take-over: proving an address that was never verified takes the account.

Whoever registered the account may not own its address (pre-registration takeover), so
every other way into the account ends with the proof, recorded for the admin:
- its password and every other address it listed (a password reset would reach them);
- its social accounts (issue 17, (b): the attacker's own Kakao, connected to an account made
  with the victim's address and a password; and (a): the attacker's Kakao that carried the
  victim's address unverified);
- its partner link (the partner's login and ID for the account, another way in);
- its sessions and JWTs (``store.signals.credentials_revoked``).

The take-over path is the KakaoTalk claim: the shopper names the account, the code goes to
its address (the e-mail match never offers an account by an address that is not verified).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from kakaosync.models import KakaoSyncSettings, invalidate_settings
from keymap.models import CredentialsNotBefore, PartnerLink
from tests.kakaosync.conftest import (  # noqa: F401  (fixtures)
    kakao_login,
    kakao_sandbox,
    shop_kakao_login,
    sync_on,
    use_kakao_sandbox,
)

pytestmark = pytest.mark.django_db

KAKAOTALK = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 KAKAOTALK 10.3.1"
TERMS = ["terms_of_service", "privacy_policy"]
LINK = "/sociallogin/link/"
VICTIM = "junho@example.com"  # the sandbox's Kakao user 1002
ATTACKER_KAKAO = "1001"  # the sandbox's Kakao user 1001, the attacker's own
User = get_user_model()


@pytest.fixture
def restricted(sync_on: Any) -> Any:  # noqa: F811
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=True)
    invalidate_settings()
    return sync_on


def _victim_proves_by_code(sandbox: Any, login: str) -> Client:
    victim = Client()
    claimed = victim.post("/kakaosync/connect/", {"login": login}, HTTP_USER_AGENT=KAKAOTALK)
    assert claimed.status_code == 302
    resp, _ = shop_kakao_login(victim, sandbox, ua=KAKAOTALK, person="1002", terms=TERMS)
    assert resp["Location"] == LINK
    victim.post(LINK, {"action": "send_code"}, HTTP_USER_AGENT=KAKAOTALK)
    assert mail.outbox[-1].to == [VICTIM]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    resp = victim.post(LINK, {"action": "code", "code-code": code}, HTTP_USER_AGENT=KAKAOTALK)
    assert resp.status_code == 302 and resp["Location"] != "/accounts/login/"
    return victim


def _attacker_kakao_login(sandbox: Any) -> Any:
    """The attacker logs in with their own Kakao afterwards: which account opens?"""
    client = Client()
    shop_kakao_login(client, sandbox, ua=KAKAOTALK, person=ATTACKER_KAKAO, terms=TERMS)
    return client.session.get("_auth_user_id")


def _assert_every_other_credential_ended(account: Any, attacker_session: Client) -> None:
    account.refresh_from_db()
    assert not account.has_usable_password()
    assert list(SocialAccount.objects.filter(user=account).values_list("uid", flat=True)) == [
        "1002"
    ]
    assert not SocialToken.objects.filter(account__uid=ATTACKER_KAKAO).exists()
    assert list(EmailAddress.objects.filter(user=account).values_list("email", "verified")) == [
        (VICTIM, True)
    ]
    assert account.email == VICTIM
    assert not PartnerLink.objects.filter(user=account).exists()
    assert CredentialsNotBefore.objects.filter(user=account).exists()  # sessions and JWTs
    assert attacker_session.get("/accounts/email/").status_code == 302
    from store.models import AccountTakeover

    record = AccountTakeover.objects.get(user=account)
    assert record.ended["social_accounts"] == 1
    assert record.ended["email_addresses"] == 1
    assert record.ended["keymap.partner_links"] == 1


def test_a_password_account_made_with_the_victims_address_loses_the_attackers_kakao(
    restricted: Any,
    use_kakao_sandbox: Any,  # noqa: F811
) -> None:
    """(b): the attacker signed up with the victim's address and a password, connected their
    own Kakao, added an address of their own and logged in at the partner."""
    account = User.objects.create_user("attacker", VICTIM, "attacker-pw")
    EmailAddress.objects.create(user=account, email=VICTIM, verified=False, primary=True)
    EmailAddress.objects.create(user=account, email="attacker@evil.example", verified=True)
    attacker_kakao = SocialAccount.objects.create(user=account, provider="kakao", uid="1001")
    PartnerLink.objects.create(user=account, server_custom_id="P-1", partner_login=VICTIM)
    attacker_session = Client()
    attacker_session.force_login(account)

    _victim_proves_by_code(use_kakao_sandbox, "attacker")

    assert not SocialAccount.objects.filter(pk=attacker_kakao.pk).exists()
    _assert_every_other_credential_ended(account, attacker_session)
    from store.models import AccountTakeover

    assert AccountTakeover.objects.get(user=account).ended["password"] == 1
    assert str(_attacker_kakao_login(use_kakao_sandbox)) != str(account.pk)


def test_an_account_kakao_joined_with_the_victims_address_unverified_is_not_the_attackers(
    restricted: Any,
    use_kakao_sandbox: Any,  # noqa: F811
) -> None:
    """(a): the attacker's Kakao carried the victim's address unverified; the victim claims
    the account by that address and proves it: the attacker's Kakao no longer opens it."""
    account = User.objects.create_user("kakao-attacker", VICTIM)
    account.set_unusable_password()
    account.save()
    EmailAddress.objects.create(user=account, email=VICTIM, verified=False, primary=True)
    EmailAddress.objects.create(user=account, email="other@evil.example", verified=False)
    SocialAccount.objects.create(user=account, provider="kakao", uid=ATTACKER_KAKAO)
    PartnerLink.objects.create(user=account, server_custom_id="P-2")
    attacker_session = Client()
    attacker_session.force_login(account)

    _victim_proves_by_code(use_kakao_sandbox, VICTIM)

    _assert_every_other_credential_ended(account, attacker_session)
    from store.models import AccountTakeover

    assert AccountTakeover.objects.get(user=account).ended["password"] == 0
    assert str(_attacker_kakao_login(use_kakao_sandbox)) != str(account.pk)


def test_a_take_over_is_shown_in_the_admin(
    restricted: Any,
    use_kakao_sandbox: Any,  # noqa: F811
) -> None:
    account = User.objects.create_user("attacker", VICTIM, "attacker-pw")
    SocialAccount.objects.create(user=account, provider="kakao", uid=ATTACKER_KAKAO)
    _victim_proves_by_code(use_kakao_sandbox, "attacker")

    admin = Client()
    admin.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    listing = admin.get("/admin/store/accounttakeover/")
    assert listing.status_code == 200
    from store.models import AccountTakeover

    record = AccountTakeover.objects.get()
    page = admin.get(f"/admin/store/accounttakeover/{record.pk}/change/").content.decode()
    assert "social_accounts" in page
    assert admin.get("/admin/store/accounttakeover/add/").status_code == 403
