"""Deleted-account tombstones survive a rotation of Django's SECRET_KEY (or of the
dedicated tombstone key): a deleted customer cannot rejoin, with fresh welcome benefits,
because the shop changed its key."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from sociallogin import tombstones
from store.services.customers import delete_account
from tests.sociallogin.conftest import kakao, mock_kakao, mocked, social_login

__all__ = ["kakao", "mocked"]

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_rotated_secret_key_keeps_the_deleted_customer_out(
    client: Any, kakao: Any, mocked: Any, settings: Any
) -> None:
    settings.SOCIALLOGIN_TOMBSTONE_KEY = ""
    settings.SECRET_KEY = "the-key-before-the-rotation-" + "x" * 30
    mock_kakao(mocked)
    assert social_login(client).status_code == 302
    delete_account(User.objects.get())
    client.logout()

    # Django's documented rotation: the new key first, the old one a fallback.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-key-after-the-rotation-" + "y" * 30
    again = social_login(client)
    assert again.status_code == 403
    assert 'data-testid="social-deleted-account"' in again.content.decode()
    assert User.objects.count() == 1


def test_the_check_is_one_query_over_every_key(
    settings: Any, django_assert_num_queries: Any
) -> None:
    settings.SOCIALLOGIN_TOMBSTONE_KEY = ""
    settings.SECRET_KEY = "old-" + "a" * 40
    tombstones.bury("kakao", "77")
    # A dedicated key set since, and SECRET_KEY rotated: the old tombstone still holds.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "new-" + "b" * 40
    settings.SOCIALLOGIN_TOMBSTONE_KEY = "tomb-new,tomb-old"
    with django_assert_num_queries(1):
        assert tombstones.is_tombstoned("kakao", "77")
    assert not tombstones.is_tombstoned("kakao", "78")


def test_a_rotated_tombstone_key_keeps_its_tombstones(settings: Any) -> None:
    settings.SOCIALLOGIN_TOMBSTONE_KEY = "tomb-old"
    tombstones.bury("kakao", "77")
    settings.SOCIALLOGIN_TOMBSTONE_KEY = "tomb-new,tomb-old"
    assert tombstones.is_tombstoned("kakao", "77")
    tombstones.bury("kakao", "78")
    settings.SOCIALLOGIN_TOMBSTONE_KEY = "tomb-new"
    assert tombstones.is_tombstoned("kakao", "78")  # written under the first key
