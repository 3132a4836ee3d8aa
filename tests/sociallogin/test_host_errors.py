"""The shop's own faults during a provider's callback are the shop's 500, not the provider's.

The provider-error guard answers "something went wrong while talking to <provider>" only
for faults of talking to the provider; a host's receiver or misconfiguration that raises
takes Django's usual path (``handler500``), logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from allauth.account.signals import user_signed_up
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import FieldDoesNotExist
from django.test import Client
from django.urls import resolve

from kakaosync.client import KakaoUnavailable
from sociallogin.apple_client import AppleError
from sociallogin.middleware import provider_error_page
from store.middleware import StoreMiddleware

from .conftest import mock_kakao, social_login


def _host_receiver(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # What a host's own code raises when it assumes a field its user model lacks.
    get_user_model()._meta.get_field("phone_number")


@pytest.fixture
def host_receiver() -> Iterator[None]:
    user_signed_up.connect(_host_receiver, dispatch_uid="test-host-receiver")
    yield
    user_signed_up.disconnect(dispatch_uid="test-host-receiver")


def test_a_host_error_in_the_kakao_callback_is_the_shops_500_and_logged(
    kakao: Any, mocked: Any, host_receiver: None, caplog: pytest.LogCaptureFixture
) -> None:
    mock_kakao(mocked)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        resp = social_login(client)
    assert resp.status_code == 500
    body = resp.content.decode()
    assert "Kakao" not in body and "talking to" not in body
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert logged and logged[-1].exc_info[0] is FieldDoesNotExist  # type: ignore[index]
    assert not any(
        r.name == "sociallogin.middleware" and r.levelno >= logging.WARNING for r in caplog.records
    )


def test_without_the_host_error_the_same_login_signs_up(kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    resp = social_login(Client(raise_request_exception=False))
    assert resp.status_code == 302
    assert SocialAccount.objects.filter(provider="kakao").exists()


def test_a_kakao_answer_the_shop_cannot_read_is_still_kakaos_error(kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked, user=["not", "an", "object"])  # type: ignore[arg-type]
    resp = social_login(Client(raise_request_exception=False))
    assert resp.status_code != 500
    assert "Kakao" in resp.content.decode()


def _callback_request(rf: Any, provider: str = "kakao") -> Any:
    path = f"/accounts/{provider}/login/callback/"
    request = rf.get(path)
    request.resolver_match = resolve(path)
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "exception",
    [
        requests.ConnectionError("no route to kapi.kakao.com"),
        requests.Timeout("read timed out"),
        OAuth2Error("invalid_grant"),
        ProviderException("the provider's user answer has no user ID"),
        AppleError("revocation refused"),
        KakaoUnavailable("no time left to ask Kakao"),
    ],
    ids=type,
)
def test_faults_of_talking_to_the_provider_are_the_providers_error(
    rf: Any, db: Any, exception: Exception
) -> None:
    resp = StoreMiddleware(lambda r: None).process_exception(_callback_request(rf), exception)
    assert resp is not None and resp.status_code == 400
    assert "Kakao" in resp.content.decode()


@pytest.mark.parametrize(
    "exception",
    [
        FieldDoesNotExist("User has no field named 'username'"),
        KeyError("username"),
        RuntimeError("a host's bug"),
        ValueError("bad setting"),
    ],
    ids=type,
)
def test_every_other_exception_takes_djangos_path(rf: Any, db: Any, exception: Exception) -> None:
    assert provider_error_page(_callback_request(rf), exception) is None
    assert (
        StoreMiddleware(lambda r: None).process_exception(_callback_request(rf), exception) is None
    )
