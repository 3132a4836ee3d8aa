"""storeconfig section, the admin page, the cache, system checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import ERROR
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sociallogin import checks
from sociallogin.conf import load_configs
from sociallogin.config_section import SocialLoginSection
from sociallogin.models import ProviderSettings
from store.config import ConfigError, export_config, import_config


def test_export_hides_secrets_unless_asked(kakao: Any) -> None:
    data = export_config()["sociallogin"]["providers"]
    assert data["kakao"]["enabled"] is True
    assert data["kakao"]["secret"] == "***"
    assert set(data) == {"kakao", "naver", "google", "facebook", "apple", "line"}
    assert "private_key" in data["apple"] and "secret" not in data["apple"]
    secret = export_config(with_secrets=True)["sociallogin"]["providers"]["kakao"]["secret"]
    assert secret == "kakao-secret"


def test_import_roundtrip_and_validation(db: Any) -> None:
    import_config(
        {
            "sociallogin": {
                "providers": {
                    "naver": {
                        "enabled": True,
                        "client_id": "nv",
                        "secret": "nv-secret",
                        "signup_fields": {"phone": "required"},
                    }
                }
            }
        }
    )
    row = ProviderSettings.objects.get(provider="naver")
    assert row.enabled and row.secret == "nv-secret" and row.signup_fields["phone"] == "required"
    assert load_configs()["naver"].is_active
    with pytest.raises(ConfigError) as err:
        import_config({"sociallogin": {"providers": {"google": {"enabled": True}}}})
    assert err.value.path.startswith("sociallogin.providers.google")
    with pytest.raises(ConfigError) as err:
        import_config(
            {"sociallogin": {"providers": {"naver": {"signup_fields": {"x": "required"}}}}}
        )
    assert err.value.path == "sociallogin.providers.naver.signup_fields.x"
    with pytest.raises(ConfigError):
        import_config({"sociallogin": {"providers": {"naver": {"enabled": "yes"}}}})
    # "***" (an export without secrets) keeps the stored secret.
    SocialLoginSection().apply({"providers": {"naver": {"secret": "***"}}})
    assert ProviderSettings.objects.get(provider="naver").secret == "nv-secret"


def test_secret_is_encrypted_at_rest(kakao: Any) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT secret FROM sociallogin_providersettings WHERE provider='kakao'")
        raw = cur.fetchone()[0]
    assert "kakao-secret" not in raw
    from allauth.socialaccount.models import SocialApp

    assert not SocialApp.objects.exists()


def test_cache_serves_apps_without_queries_and_save_invalidates(kakao: Any, rf: Any) -> None:
    from allauth.socialaccount.adapter import get_adapter

    request = rf.get("/")
    adapter = get_adapter(request)
    adapter.list_apps(request)
    with CaptureQueriesContext(connection) as ctx:
        apps = adapter.list_apps(request)
    assert len(ctx.captured_queries) == 0
    assert [a.client_id for a in apps] == ["kakao-client"]
    assert apps[0].secret == "kakao-secret"
    kakao.client_id = "changed"
    kakao.save()
    # The next request (on any worker sharing the cache) sees the change.
    assert adapter.list_apps(rf.get("/"))[0].client_id == "changed"


@pytest.fixture
def admin_client(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


def _post_data(**overrides: str) -> dict[str, str]:
    from sociallogin.catalog import DEFAULT_SIGNUP_RULES, PROVIDER_IDS

    data: dict[str, str] = {}
    for pid in PROVIDER_IDS:
        for name, rule in DEFAULT_SIGNUP_RULES.items():
            data[f"{pid}-rule_{name}"] = rule
    data.update(overrides)
    return data


def test_admin_page_lists_six_providers_with_redirect_uris(admin_client: Any) -> None:
    page = admin_client.get("/admin/sociallogin/providersettings/")
    html = page.content.decode()
    assert page.status_code == 200
    for pid in ("kakao", "naver", "google", "facebook", "apple", "line"):
        assert f'data-provider="{pid}"' in html
        assert f"http://testserver/accounts/{pid}/login/callback/" in html


def test_admin_page_says_an_apple_key_is_stored_without_showing_it(
    admin_client: Any, enable_provider: Any
) -> None:
    from .test_sandbox_flows import apple_key

    key = apple_key()
    enable_provider(
        "apple", client_id="shop.apple", team_id="T1", key_id="K1", private_key=key, secret=""
    )
    html = admin_client.get("/admin/sociallogin/providersettings/").content.decode()
    apple = html.split('data-provider="apple"', 1)[1].split("</fieldset>", 1)[0]
    assert "A value is stored. Leave blank to keep it." in apple
    assert "Not set yet." not in apple
    assert "BEGIN PRIVATE KEY-----\n" not in html and key.splitlines()[1] not in html


def test_admin_save_validates_and_takes_effect(admin_client: Any, client: Any) -> None:
    bad = admin_client.post(
        "/admin/sociallogin/providersettings/", _post_data(**{"naver-enabled": "on"})
    )
    assert bad.status_code == 200
    assert "Required to switch this provider on." in bad.content.decode()
    assert not ProviderSettings.objects.filter(enabled=True).exists()
    ok = admin_client.post(
        "/admin/sociallogin/providersettings/",
        _post_data(**{"naver-enabled": "on", "naver-client_id": "nid", "naver-secret": "nsec"}),
    )
    assert ok.status_code == 302
    assert ProviderSettings.objects.get(provider="naver").secret == "nsec"
    page = admin_client.get("/admin/sociallogin/providersettings/").content.decode()
    assert "nsec" not in page  # never rendered back
    admin_client.logout()
    assert 'data-provider="naver"' in client.get("/accounts/login/").content.decode()


def test_system_checks(settings: Any) -> None:
    assert checks.check_adapter() == []
    settings.SOCIALACCOUNT_ADAPTER = "allauth.socialaccount.adapter.DefaultSocialAccountAdapter"
    assert [m.id for m in checks.check_adapter()] == ["sociallogin.E001"]
    settings.SOCIALLOGIN_PROVIDER_ENDPOINTS = {"myspace": {}, "kakao": {"ftp://x": "http://y"}}
    ids = {m.id for m in checks.check_endpoints()}
    assert {"sociallogin.E002", "sociallogin.E003"} <= ids
    settings.SOCIALLOGIN_PROVIDER_ENDPOINTS = {"kakao": {"https://kauth.kakao.com": "http://h"}}
    settings.DEBUG = False
    assert [m.id for m in checks.check_endpoints()] == ["sociallogin.W001"]
    assert checks.check_providers_installed() == []


def test_wiring_checks(settings: Any) -> None:
    assert checks.check_wiring() == []
    settings.SOCIALACCOUNT_FORMS = {}
    assert [(m.id, m.level) for m in checks.check_wiring()] == [("sociallogin.E006", ERROR)]
    settings.SOCIALACCOUNT_FORMS = {"signup": "allauth.socialaccount.forms.SignupForm"}
    assert [m.id for m in checks.check_wiring()] == ["sociallogin.E006"]


def test_plaintext_socialapp_rows_are_reported(db: Any) -> None:
    from allauth.socialaccount.models import SocialApp

    assert checks.check_socialapp_rows() == []
    SocialApp.objects.create(provider="kakao", name="k", client_id="c", secret="plain")
    assert [m.id for m in checks.check_socialapp_rows()] == ["sociallogin.W002"]


def test_storeconfig_command_runs(kakao: Any, capsys: Any) -> None:
    call_command("storeconfig", "export")
    assert '"sociallogin"' in capsys.readouterr().out


def test_allauth_plaintext_app_admin_is_hidden() -> None:
    from allauth.socialaccount.models import SocialApp
    from django.contrib import admin

    assert not admin.site.is_registered(SocialApp)
    assert admin.site.is_registered(ProviderSettings)


def test_demo_seed_switches_sandbox_providers_on_once(db: Any, settings: Any, capsys: Any) -> None:
    call_command("sociallogin_seed_demo")
    assert not ProviderSettings.objects.exists()  # no sandbox, no seed
    settings.SOCIALLOGIN_SANDBOX_URL = "http://127.0.0.1:8768"
    call_command("sociallogin_seed_demo")
    active = [pid for pid, c in load_configs().items() if c.is_active]
    assert active == ["naver", "google", "facebook", "apple", "line"]
    ProviderSettings.objects.filter(provider="naver").update(client_id="mine")
    call_command("sociallogin_seed_demo")
    assert ProviderSettings.objects.get(provider="naver").client_id == "mine"


def test_import_cannot_restrict_the_store_while_a_provider_stays_on(kakao: Any) -> None:
    from store.models import StoreSettings

    assert StoreSettings.load().age_restricted is False
    with pytest.raises(ConfigError) as err:
        import_config({"store": {"age_restricted": True}})
    assert err.value.path == "sociallogin.providers.kakao.enabled"
    assert "date of birth" in err.value.message
    # Nothing changed, in the database nor in the cache read inside the failed import.
    assert StoreSettings.objects.get(pk=1).age_restricted is False
    assert StoreSettings.load().age_restricted is False
    assert load_configs()["kakao"].is_active
    import_config(
        {
            "store": {"age_restricted": True},
            "sociallogin": {"providers": {"kakao": {"enabled": False}}},
        }
    )
    assert StoreSettings.load().age_restricted is True
    assert not load_configs()["kakao"].enabled


def test_failed_import_leaves_no_uncommitted_value_in_the_cache(kakao: Any) -> None:
    from store.models import StoreSettings

    StoreSettings.load()
    with pytest.raises(ConfigError):
        # The store section saves, then the provider form reads the (uncommitted) store
        # settings through the cache, then refuses: the cache must not keep that read.
        import_config(
            {
                "store": {"age_restricted": True},
                "sociallogin": {
                    "providers": {"naver": {"enabled": True, "client_id": "n", "secret": "s"}}
                },
            }
        )
    assert StoreSettings.load().age_restricted is False


def test_blank_secret_keeps_the_stored_one_and_satisfies_the_on_check(db: Any) -> None:
    from sociallogin.catalog import SIGNUP_FIELDS
    from sociallogin.forms import ProviderSettingsForm

    data = {"enabled": "on", "client_id": "nid", "secret": ""}
    data |= {f"rule_{name}": "hidden" for name in SIGNUP_FIELDS}
    row = ProviderSettings.objects.create(provider="naver", client_id="nid", secret="nsec")
    form = ProviderSettingsForm(data, instance=row)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["secret"] == "nsec"
    row.secret = ""
    form = ProviderSettingsForm(data, instance=row)
    assert not form.is_valid() and "secret" in form.errors
