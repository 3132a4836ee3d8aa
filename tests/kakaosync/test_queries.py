"""A Kakao Sync login costs at most 3 queries more than a plain Kakao login."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kakaosync.models import KakaoSyncMember, KakaoSyncSettings, invalidate_settings

from .sandbox_helpers import login_and_consent

pytestmark = pytest.mark.django_db
TERMS = ["terms_of_service", "privacy_policy", "marketing"]


def callback_queries(client: Client, sandbox, person: str) -> tuple[int, list[str]]:
    resp = client.post("/accounts/kakao/login/", {"process": "login"})
    back = login_and_consent(sandbox.base_url, resp["Location"], person=person, terms=TERMS)
    parts = urlsplit(back.headers["Location"])
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(f"{parts.path}?{parts.query}")
    assert resp.status_code == 302, resp.content[:500]
    client.logout()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_sync_login_adds_at_most_three_queries(sync_on, use_kakao_sandbox):
    settings_row = KakaoSyncSettings.objects.get(pk=1)
    KakaoSyncSettings.objects.filter(pk=1).update(enabled=False)
    invalidate_settings()
    client = Client()
    callback_queries(client, use_kakao_sandbox, "1003")  # warm the caches
    plain_signup, _ = callback_queries(client, use_kakao_sandbox, "1001")
    plain_login, _ = callback_queries(client, use_kakao_sandbox, "1001")
    assert not KakaoSyncMember.objects.exists()

    KakaoSyncSettings.objects.filter(pk=1).update(enabled=settings_row.enabled)
    invalidate_settings()
    sync_signup, signup_sql = callback_queries(client, use_kakao_sandbox, "1002")
    callback_queries(client, use_kakao_sandbox, "1001")  # first Sync login of an old member
    sync_login, login_sql = callback_queries(client, use_kakao_sandbox, "1001")
    assert KakaoSyncMember.objects.count() == 2
    print(
        f"plain login {plain_login}, sync login {sync_login}; "
        f"plain signup {plain_signup}, sync signup {sync_signup}"
    )
    assert sync_login <= plain_login + 3, login_sql
    assert sync_signup <= plain_signup + 5, signup_sql
