"""The app clients of a provider: entered in the admin, carried by ``storeconfig``, served
(cached) as the set of audiences an app's token may carry."""

from __future__ import annotations

from typing import Any

import pytest

from sociallogin.conf import load_configs
from sociallogin.models import ProviderClient, ProviderSettings
from store.config import ConfigError, export_config, import_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def google(db: Any) -> ProviderSettings:
    return ProviderSettings.objects.create(
        provider="google", enabled=True, client_id="web-client", secret="s"
    )


def test_storeconfig_exports_and_imports_the_clients(google: ProviderSettings) -> None:
    ProviderClient.objects.create(provider="google", label="iOS", client_id="ios-client")
    exported = export_config()["sociallogin"]["providers"]
    assert exported["google"]["clients"] == [{"label": "iOS", "client_id": "ios-client"}]
    assert exported["kakao"]["clients"] == []

    clients = [
        {"label": "iOS", "client_id": "ios-2"},
        {"label": "Android", "client_id": "android-1"},
    ]
    import_config({"sociallogin": {"providers": {"google": {"clients": clients}}}})
    assert list(
        ProviderClient.objects.filter(provider="google").values_list("label", "client_id")
    ) == [("iOS", "ios-2"), ("Android", "android-1")]
    assert load_configs()["google"].accepted_client_ids == ("web-client", "ios-2", "android-1")


@pytest.mark.parametrize(
    ("clients", "path"),
    [
        ("ios", "sociallogin.providers.google.clients"),
        ([{"label": "iOS"}], "sociallogin.providers.google.clients[0].client_id"),
        ([{"label": "", "client_id": "x"}], "sociallogin.providers.google.clients[0].label"),
        (
            [{"label": "Web", "client_id": "web-client"}],
            "sociallogin.providers.google.clients[0].client_id",
        ),
        (
            [{"label": "a", "client_id": "x"}, {"label": "b", "client_id": "x"}],
            "sociallogin.providers.google.clients[1].client_id",
        ),
        (
            [{"label": "a", "client_id": "x", "secret": "s"}],
            "sociallogin.providers.google.clients[0]",
        ),
    ],
)
def test_bad_clients_are_refused_and_leave_nothing(
    google: ProviderSettings, clients: Any, path: str
) -> None:
    ProviderClient.objects.create(provider="google", label="iOS", client_id="ios-client")
    with pytest.raises(ConfigError) as err:
        import_config({"sociallogin": {"providers": {"google": {"clients": clients}}}})
    assert err.value.path.startswith(path), err.value.path
    # The import is one transaction: the old list stands.
    assert list(ProviderClient.objects.values_list("client_id", flat=True)) == ["ios-client"]
    assert load_configs()["google"].accepted_client_ids == ("web-client", "ios-client")


def test_the_admin_adds_and_removes_a_client(admin_client: Any, google: ProviderSettings) -> None:
    url = "/admin/sociallogin/providerclient/add/"
    resp = admin_client.post(url, {"provider": "google", "label": "iOS", "client_id": "web-client"})
    assert resp.status_code == 200 and "accepted already" in resp.content.decode()
    resp = admin_client.post(url, {"provider": "google", "label": "iOS", "client_id": "ios 1"})
    assert resp.status_code == 200 and "no spaces" in resp.content.decode()
    resp = admin_client.post(url, {"provider": "google", "label": "iOS", "client_id": "ios-1"})
    assert resp.status_code == 302
    assert load_configs()["google"].accepted_client_ids == ("web-client", "ios-1")
    client = ProviderClient.objects.get()
    resp = admin_client.post(
        "/admin/sociallogin/providerclient/",
        {"action": "delete_selected", "_selected_action": [client.pk], "post": "yes"},
    )
    assert resp.status_code == 302 and not ProviderClient.objects.exists()
    # The served providers dropped it too (a bulk delete skips the model's delete()).
    assert load_configs()["google"].accepted_client_ids == ("web-client",)


def test_a_token_naming_an_app_client_gets_an_app_of_that_client(
    google: ProviderSettings, rf: Any
) -> None:
    from sociallogin.adapter import SocialAccountAdapter

    ProviderClient.objects.create(provider="google", label="iOS", client_id="ios-client")
    adapter = SocialAccountAdapter()
    request = rf.get("/")
    assert adapter.get_app(request, "google", client_id="ios-client").client_id == "ios-client"
    # Without one named, the web client: the redirect login's and the config's.
    assert adapter.get_app(request, "google").client_id == "web-client"
    assert len(adapter.list_apps(request, provider="google")) == 1
