"""Secrets at rest across the apps: ciphertext in the database and in dumps, key rotation."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from sociallogin.models import ProviderSettings
from store import crypto

pytestmark = pytest.mark.django_db


def _raw_secret(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {ProviderSettings._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_database_and_dumpdata_hold_only_ciphertext() -> None:
    row = ProviderSettings.objects.create(provider="naver", client_id="cid", secret="plain-s3cret")
    raw = _raw_secret(row.pk)
    assert "plain-s3cret" not in raw and crypto.decrypt(raw) == "plain-s3cret"
    assert ProviderSettings.objects.get(pk=row.pk).secret == "plain-s3cret"
    out = io.StringIO()
    call_command("dumpdata", "sociallogin.providersettings", stdout=out)
    assert "plain-s3cret" not in out.getvalue()


def test_rotation_reencrypts_under_the_new_key(settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.STORE_SECRETS_KEY = old
    row = ProviderSettings.objects.create(provider="google", client_id="g", secret="rotate-me")
    before = _raw_secret(row.pk)
    settings.STORE_SECRETS_KEY = f"{new},{old}"
    out = io.StringIO()
    call_command("store_rotate_secrets", stdout=out)
    assert "Re-encrypted" in out.getvalue()
    after = _raw_secret(row.pk)
    assert after != before
    settings.STORE_SECRETS_KEY = new  # the old key can now be retired
    assert ProviderSettings.objects.get(pk=row.pk).secret == "rotate-me"
