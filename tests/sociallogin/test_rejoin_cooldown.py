"""Rejoin policy: a deleted social account never joins again (default), or after the
cool-down the admin chose, against the sandbox provider."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.formats import date_format

from sociallogin.models import DeletedSocialAccount, RejoinPolicy
from store.config import ConfigError, export_config, import_config
from store.services.customers import delete_account

from .conftest import sandbox_login
from .test_config_admin import _post_data, admin_client  # noqa: F401  (fixture)

User = get_user_model()


def _join_and_delete(client: Any, enable_provider: Any, uid: str) -> None:
    enable_provider("naver")
    assert sandbox_login(client, "naver", uid=uid, email=f"{uid}@example.com").status_code == 302
    delete_account(User.objects.get(socialaccount__uid=uid))
    client.logout()


def _days_ago(days: int) -> None:
    """Time passes: the deletion happened ``days`` ago (the policy recomputes from it)."""
    DeletedSocialAccount.objects.update(created_at=timezone.now() - datetime.timedelta(days=days))
    policy = RejoinPolicy.objects.filter(pk=1).first()
    if policy is not None:
        policy.save()


def test_default_is_never(client: Any, enable_provider: Any, use_sandbox: Any) -> None:
    _join_and_delete(client, enable_provider, "n-700")
    _days_ago(3650)
    again = sandbox_login(client, "naver", uid="n-700", email="n-700@example.com")
    assert again.status_code == 403
    html = again.content.decode()
    assert 'data-testid="social-deleted-account"' in html
    assert 'data-testid="rejoin-at"' not in html
    assert export_config()["sociallogin"]["rejoin_cooldown_days"] is None


def test_cooldown_refuses_until_the_day_it_names_then_admits(
    client: Any, enable_provider: Any, use_sandbox: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    import_config({"sociallogin": {"rejoin_cooldown_days": 30}})
    _join_and_delete(client, enable_provider, "n-701")
    tomb = DeletedSocialAccount.objects.get()
    assert tomb.rejoin_after == tomb.created_at + datetime.timedelta(days=30)

    _days_ago(10)
    refused = sandbox_login(client, "naver", uid="n-701", email="n-701@example.com")
    assert refused.status_code == 403
    day = timezone.localtime(DeletedSocialAccount.objects.get().rejoin_after).date()
    html = refused.content.decode()
    assert 'data-testid="rejoin-at"' in html
    with translation.override("en"):
        assert f"can join again from {date_format(day)}." in html
    assert User.objects.filter(is_active=True).count() == 0

    _days_ago(31)
    back = sandbox_login(client, "naver", uid="n-701", email="n-701@example.com")
    assert back.status_code == 302
    rejoined = User.objects.get(socialaccount__uid="n-701")
    assert rejoined.is_active and rejoined.customer.join_channel == "naver"

    # Deleting again starts the cool-down again.
    delete_account(rejoined)
    client.logout()
    assert sandbox_login(client, "naver", uid="n-701").status_code == 403


def test_refusal_page_in_korean(client: Any, enable_provider: Any, use_sandbox: Any) -> None:
    import_config({"sociallogin": {"rejoin_cooldown_days": 7}})
    _join_and_delete(client, enable_provider, "n-702")
    client.cookies["django_language"] = "ko"
    html = sandbox_login(client, "naver", uid="n-702").content.decode()
    assert "다시 가입할 수 있습니다" in html


def test_policy_change_applies_to_existing_tombstones(
    client: Any, enable_provider: Any, use_sandbox: Any
) -> None:
    _join_and_delete(client, enable_provider, "n-703")
    _days_ago(5)
    import_config({"sociallogin": {"rejoin_cooldown_days": 3}})
    assert sandbox_login(client, "naver", uid="n-703").status_code == 302
    import_config({"sociallogin": {"rejoin_cooldown_days": None}})
    assert DeletedSocialAccount.objects.get().rejoin_after is None


@pytest.mark.parametrize("value", [-1, "30", True, 1.5])
def test_storeconfig_refuses_bad_cooldowns(db: Any, value: Any) -> None:
    with pytest.raises(ConfigError) as err:
        import_config({"sociallogin": {"rejoin_cooldown_days": value}})
    assert "sociallogin.rejoin_cooldown_days" in str(err.value)
    assert RejoinPolicy.cooldown() is None


def test_admin_page_sets_and_shows_the_policy(admin_client: Any, settings: Any) -> None:  # noqa: F811
    settings.LANGUAGE_CODE = "en"
    url = "/admin/sociallogin/providersettings/"
    page = admin_client.get(url).content.decode()
    assert "cannot join again with a social account" in page
    bad = admin_client.post(url, _post_data(**{"rejoin-cooldown_days": "-3"}))
    assert bad.status_code == 200 and RejoinPolicy.cooldown() is None
    ok = admin_client.post(url, _post_data(**{"rejoin-cooldown_days": "14"}))
    assert ok.status_code == 302 and RejoinPolicy.cooldown() == 14
    page = admin_client.get(url).content.decode()
    assert "can join again with a social account that was linked to it 14 days after" in page
    ok = admin_client.post(url, _post_data(**{"rejoin-cooldown_days": ""}))
    assert ok.status_code == 302 and RejoinPolicy.cooldown() is None
