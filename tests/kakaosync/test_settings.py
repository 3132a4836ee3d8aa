"""Kakao Sync settings: the admin form, the storeconfig section, the system checks."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from kakaosync import checks
from kakaosync.conf import load_config, sync_active
from kakaosync.config_section import KakaoSyncSection
from kakaosync.forms import KakaoSyncSettingsForm
from kakaosync.models import KakaoSyncSettings
from sociallogin.models import ProviderSettings
from store.config import ConfigError, import_config

from .conftest import ADMIN_KEY, APP_ID, CHANNEL

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "enabled": True,
        "quick_signup_confirmed": True,
        "app_id": str(APP_ID),
        "admin_key": ADMIN_KEY,
        "channel_public_id": CHANNEL,
        "kakao_only_in_app_browser": False,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_form_requires_kakao_login_on(db):
    form = KakaoSyncSettingsForm(data=form_data(), instance=KakaoSyncSettings(pk=1))
    assert not form.is_valid()
    assert "switch the Kakao provider on" in str(form.errors["enabled"])
    ProviderSettings.objects.create(provider="kakao", enabled=True, client_id="")
    form = KakaoSyncSettingsForm(data=form_data(), instance=KakaoSyncSettings(pk=1))
    assert not form.is_valid()
    assert "REST API key" in str(form.errors["enabled"])


def test_form_requires_quick_signup_app_id_and_key(kakao_login):
    form = KakaoSyncSettingsForm(
        data=form_data(quick_signup_confirmed=False, app_id="", admin_key=""),
        instance=KakaoSyncSettings(pk=1),
    )
    assert not form.is_valid()
    assert set(form.errors) == {"quick_signup_confirmed", "app_id", "admin_key"}


@pytest.mark.parametrize(
    "field,value",
    [("app_id", "12ab"), ("app_id", "-5"), ("channel_public_id", "shop"), ("admin_key", "a b")],
)
def test_form_rejects_malformed_values(kakao_login, field, value):
    form = KakaoSyncSettingsForm(data=form_data(**{field: value}), instance=KakaoSyncSettings(pk=1))
    assert not form.is_valid()
    assert field in form.errors


def test_in_app_option_needs_sync_on(kakao_login):
    form = KakaoSyncSettingsForm(
        data=form_data(enabled=False, kakao_only_in_app_browser=True),
        instance=KakaoSyncSettings(pk=1),
    )
    assert not form.is_valid()
    assert "kakao_only_in_app_browser" in form.errors


def test_admin_page_saves_and_keeps_the_secret_write_only(admin_client, kakao_login):
    url = "/admin/kakaosync/kakaosyncsettings/1/change/"
    assert admin_client.get("/admin/kakaosync/kakaosyncsettings/").status_code == 302
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {
        **form_data(),
        "service_terms-TOTAL_FORMS": "2",
        "service_terms-INITIAL_FORMS": "0",
        "service_terms-MIN_NUM_FORMS": "0",
        "service_terms-MAX_NUM_FORMS": "1000",
        "service_terms-0-tag": "terms_of_service",
        "service_terms-0-title": "Terms",
        "service_terms-0-required": "on",
        "service_terms-0-position": "0",
        "service_terms-1-tag": "marketing",
        "service_terms-1-title": "Marketing",
        "service_terms-1-marketing": "on",
        "service_terms-1-position": "1",
    }
    resp = admin_client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    config = load_config()
    assert config.is_active and config.term_tags == ["terms_of_service", "marketing"]
    assert config.marketing_tags == {"marketing"}
    assert sync_active() is not None
    page = admin_client.get(url).content.decode()
    assert ADMIN_KEY not in page
    assert "/kakaosync/webhooks/unlink/" in page
    # blank secret keeps the stored key; only optional terms is refused
    data.pop("admin_key")
    data["service_terms-INITIAL_FORMS"] = "0"
    data["service_terms-TOTAL_FORMS"] = "1"
    data["service_terms-0-tag"] = "marketing"
    data.pop("service_terms-0-required")
    KakaoSyncSettings.objects.get(pk=1).service_terms.all().delete()
    resp = admin_client.post(url, data)
    assert resp.status_code == 200
    assert "at least one required service term" in resp.content.decode()
    assert str(KakaoSyncSettings.objects.get(pk=1).admin_key) == ADMIN_KEY


def test_config_export_import_roundtrip(sync_on):
    section = KakaoSyncSection()
    exported = section.export(with_secrets=False)
    assert exported["admin_key"] == "***"
    assert exported["service_terms"][0] == {
        "tag": "terms_of_service",
        "title": "Terms of service",
        "required": True,
        "marketing": False,
    }
    assert set(exported) >= {
        "enabled",
        "app_id",
        "admin_key",
        "service_terms",
        "channel_public_id",
        "quick_signup_confirmed",
        "kakao_only_in_app_browser",
    }
    exported["kakao_only_in_app_browser"] = True
    exported["service_terms"] = [{"tag": "tos", "title": "ToS", "required": True}]
    import_config({"kakaosync": exported})
    row = KakaoSyncSettings.objects.get(pk=1)
    assert row.kakao_only_in_app_browser
    assert [t.tag for t in row.service_terms.all()] == ["tos"]
    assert str(row.admin_key) == ADMIN_KEY  # "***" kept the stored key
    assert section.export(with_secrets=True)["admin_key"] == ADMIN_KEY


@pytest.mark.parametrize(
    "patch,path",
    [
        ({"app_id": "777"}, "kakaosync.app_id"),
        ({"enabled": "yes"}, "kakaosync.enabled"),
        (
            {"service_terms": [{"tag": "m", "title": "M", "required": False}]},
            "kakaosync.service_terms",
        ),
        ({"service_terms": [{"tag": "bad tag", "title": "M"}]}, "kakaosync.service_terms[0].tag"),
        (
            {"service_terms": [{"tag": "a", "title": "A", "colour": 1}]},
            "kakaosync.service_terms[0].colour",
        ),
        ({"channel_public_id": "nounderscore"}, "kakaosync.channel_public_id"),
        ({"bogus": 1}, "kakaosync.bogus"),
    ],
)
def test_config_import_errors_name_the_key_and_change_nothing(sync_on, patch, path):
    before = KakaoSyncSection().export(with_secrets=True)
    with pytest.raises(ConfigError) as exc:
        import_config({"kakaosync": {**before, **patch}})
    assert exc.value.path == path
    assert KakaoSyncSection().export(with_secrets=True) == before


def test_config_import_needs_kakao_login(db):
    data = {
        "enabled": True,
        "app_id": APP_ID,
        "admin_key": ADMIN_KEY,
        "service_terms": [{"tag": "tos", "title": "ToS", "required": True}],
        "quick_signup_confirmed": True,
    }
    with pytest.raises(ConfigError) as exc:
        import_config({"kakaosync": data})
    assert exc.value.path == "kakaosync.enabled"
    # all or nothing, with the provider in the same file
    import_config(
        {
            "sociallogin": {"providers": {"kakao": {"enabled": True, "client_id": "rest"}}},
            "kakaosync": data,
        }
    )
    assert load_config().is_active


def test_storeconfig_command_exports_the_section(sync_on, capsys):
    call_command("storeconfig", "export")
    out = json.loads(capsys.readouterr().out)
    assert out["kakaosync"]["channel_public_id"] == CHANNEL
    assert ADMIN_KEY not in json.dumps(out)


def test_checks(settings):
    settings.KAKAOSYNC_API_BASE_URL = "ftp://x"
    assert [m.id for m in checks.check_hosts()] == ["kakaosync.E001"]
    settings.KAKAOSYNC_API_BASE_URL = "http://127.0.0.1:9"
    settings.DEBUG = False
    assert [m.id for m in checks.check_hosts()] == ["kakaosync.W001"]


def test_database_check_warns_when_kakao_login_goes_off(sync_on, kakao_login):
    assert checks.check_configuration(databases=["default"]) == []
    kakao_login.enabled = False
    kakao_login.save()
    assert [m.id for m in checks.check_configuration(databases=["default"])] == ["kakaosync.W003"]
    assert sync_active() is None


def test_demo_seed_configures_kakao_sync_for_the_sandbox(db, monkeypatch):
    call_command("kakaosync_seed_demo")
    assert not KakaoSyncSettings.objects.exists()  # only with KAKAOSYNC_DEMO_SEED=1
    monkeypatch.setenv("KAKAOSYNC_DEMO_SEED", "1")
    call_command("kakaosync_seed_demo")
    assert sync_active() is not None
    assert load_config().kakao_only_in_app_browser
    call_command("kakaosync_seed_demo")  # idempotent
    assert KakaoSyncSettings.objects.get(pk=1).service_terms.count() == 3


def test_in_app_option_needs_the_middleware(sync_on, settings):
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=True)
    from kakaosync.models import invalidate_settings

    invalidate_settings()
    assert checks.check_configuration(databases=["default"]) == []
    form = KakaoSyncSettingsForm(
        data=form_data(kakao_only_in_app_browser=True), instance=KakaoSyncSettings(pk=1)
    )
    assert "kakao_only_in_app_browser" not in form.errors
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "StoreMiddleware" not in m]
    form = KakaoSyncSettingsForm(
        data=form_data(kakao_only_in_app_browser=True), instance=KakaoSyncSettings(pk=1)
    )
    assert not form.is_valid()
    assert "store.middleware.StoreMiddleware" in str(form.errors["kakao_only_in_app_browser"])


def test_import_cannot_switch_kakao_login_off_under_kakao_sync(sync_on):
    with pytest.raises(ConfigError) as exc:
        import_config({"sociallogin": {"providers": {"kakao": {"enabled": False}}}})
    assert exc.value.path == "kakaosync.enabled"
    assert sync_active() is not None  # nothing changed, nothing stale in the cache
    import_config(
        {
            "sociallogin": {"providers": {"kakao": {"enabled": False}}},
            "kakaosync": {"enabled": False},
        }
    )
    assert load_config().enabled is False


def test_failed_import_leaves_no_stale_settings_in_the_cache(sync_on, monkeypatch):
    from kakaosync.config_section import KakaoSyncSection

    assert load_config().channel_public_id == CHANNEL

    def read_then_fail(self):  # another section's rule fails after a read in the import
        assert load_config().channel_public_id == "_other"
        raise ConfigError("kakaosync", "refused")

    monkeypatch.setattr(KakaoSyncSection, "validate_applied", read_then_fail)
    with pytest.raises(ConfigError):
        import_config({"kakaosync": {"channel_public_id": "_other"}})
    assert load_config().channel_public_id == CHANNEL
