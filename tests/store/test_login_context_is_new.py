"""``LoginContext.is_new`` on a host whose user key has a value before the row is saved
(a UUID primary key with ``default=uuid.uuid4``): the new account is still new, so the
deleted-account and e-mail-owner screening runs for it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from store.login_pipeline import LoginContext

User = get_user_model()


def context(rf: Any, account: Any, user: Any) -> LoginContext:
    login = SimpleNamespace(account=account, user=user)
    return LoginContext(request=rf.get("/"), kind="social", provider="kakao", sociallogin=login)


def test_an_unsaved_user_with_its_key_already_set_is_new(rf: Any) -> None:
    # What allauth's new SocialLogin holds on a UUID-keyed model: pk set, row not saved.
    user = User(pk=4242, username="uuid-like")
    assert context(rf, SocialAccount(provider="kakao", uid="1"), user).is_new


@pytest.mark.django_db
def test_a_saved_user_or_a_known_account_is_not_new(rf: Any) -> None:
    user = User.objects.create_user("known", "known@example.com", "pw-12345678")
    assert not context(rf, SocialAccount(provider="kakao", uid="1"), user).is_new
    account = SocialAccount.objects.create(user=user, provider="kakao", uid="2")
    assert not context(rf, account, User(username="other")).is_new
    assert context(rf, SocialAccount(provider="kakao", uid="3"), None).is_new
