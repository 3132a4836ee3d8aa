"""An app client against a live shop and the Kakao sandbox on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devtools.sandboxes.kakao import SandboxConfig, start_in_thread
from sociallogin.models import ProviderClient
from tests.kakaosync.conftest import (  # noqa: F401 - fixtures
    ADMIN_KEY,
    APP_ID,
    CLIENT_SECRET,
    REST_KEY,
    TERMS,
    kakao_login,
    sync_on,
)
from tests.keymap.conftest import partner_sandbox  # noqa: F401 - fixture

from .client import AppClient

NATIVE_KEY = "native-app-key"


@pytest.fixture
def kakao_sandbox() -> Iterator[Any]:
    server = start_in_thread(
        SandboxConfig(
            app_id=APP_ID,
            rest_api_key=REST_KEY,
            native_app_key=NATIVE_KEY,
            client_secret=CLIENT_SECRET,
            admin_key=ADMIN_KEY,
            service_terms={t[0]: t[2] for t in TERMS},
        )
    )
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox(kakao_sandbox: Any, settings: Any) -> Any:
    settings.KAKAOSYNC_AUTH_BASE_URL = kakao_sandbox.base_url
    settings.KAKAOSYNC_API_BASE_URL = kakao_sandbox.base_url
    return kakao_sandbox


@pytest.fixture
def native_client(kakao_login: Any) -> ProviderClient:  # noqa: F811 - the fixture above
    """The Kakao app's native app key, entered by the admin as an app client."""
    return ProviderClient.objects.create(
        provider="kakao", label="iOS/Android", client_id=NATIVE_KEY
    )


@pytest.fixture
def app(live_server: Any) -> AppClient:
    return AppClient(live_server.url)
