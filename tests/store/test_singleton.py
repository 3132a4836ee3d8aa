"""The settings kernel: one cache scheme and one admin for every app's settings row."""

from __future__ import annotations

import pytest
from django.db import transaction

from store.models import StoreSettings

pytestmark = pytest.mark.django_db


def test_a_save_bumps_the_version_now_and_on_commit(
    django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    cache_ = StoreSettings.settings_cache
    StoreSettings.load()
    before = cache_.version()
    with django_assert_num_queries(0):
        StoreSettings.load()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        s = StoreSettings.load()
        s.name = "Renamed"
        s.save()
        during = cache_.version()
    assert before != during != cache_.version()
    assert StoreSettings.load().name == "Renamed"


def test_load_hands_out_copies() -> None:
    s = StoreSettings.load()
    s.name = "Changed, not saved"
    assert StoreSettings.load().name != "Changed, not saved"


def test_creating_the_row_with_its_defaults_keeps_the_version() -> None:
    version = StoreSettings.settings_cache.version()
    StoreSettings.get_solo()
    assert StoreSettings.settings_cache.version() == version


@pytest.mark.parametrize(
    "model", ["store/storesettings", "kakaosync/kakaosyncsettings", "keymap/userdatabase"]
)
def test_settings_admin_opens_the_one_row(admin_client, model) -> None:
    response = admin_client.get(f"/admin/{model}/")
    assert response.status_code == 302 and response["Location"] == f"/admin/{model}/1/change/"
    assert admin_client.get(f"/admin/{model}/add/").status_code == 403
    assert admin_client.get(f"/admin/{model}/1/delete/").status_code == 403
    assert admin_client.get(f"/admin/{model}/1/change/").status_code == 200
