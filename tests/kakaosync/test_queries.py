"""A Kakao Sync login costs one query more than a plain Kakao login (a signup: one too).

Deterministic by construction: every measured callback is preceded, in the same test, by
an unmeasured callback of exactly the same kind (plain signup, plain login, Sync signup,
Sync login) for a Kakao user of the same shape. Whatever is loaded once per process or
per cache fill (settings caches of this and the other apps, per-process memos) is paid
there, whichever tests ran before in the worker; each measured pair then differs only by
what Kakao Sync itself does. On failure the message lists the queries that differ.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kakaosync.models import KakaoSyncMember, KakaoSyncSettings, invalidate_settings

from .sandbox_helpers import login_and_consent

pytestmark = pytest.mark.django_db
TERMS = ["terms_of_service", "privacy_policy", "marketing"]
ITEMS = ["profile_nickname", "account_email", "phone_number", "birthday", "gender"]


def _shape(sql: str) -> str:
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r'"s\d+_x\d+"', "SP", sql)  # savepoint names
    return re.sub(r"\b\d+\b", "N", sql)[:160]


def _diff(plain: list[str], sync: list[str]) -> str:
    extra = Counter(map(_shape, sync)) - Counter(map(_shape, plain))
    missing = Counter(map(_shape, plain)) - Counter(map(_shape, sync))
    return f"only in Sync: {dict(extra)}\nonly in plain: {dict(missing)}"


def callback_queries(client: Client, sandbox, person: int) -> list[str]:
    resp = client.post("/accounts/kakao/login/", {"process": "login"})
    back = login_and_consent(
        sandbox.base_url, resp["Location"], person=str(person), items=ITEMS, terms=TERMS
    )
    parts = urlsplit(back.headers["Location"])
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(f"{parts.path}?{parts.query}")
    assert resp.status_code == 302 and resp["Location"] == "/account/", resp.content[:500]
    client.logout()
    return [q["sql"] for q in ctx.captured_queries]


def _set_sync(on: bool) -> None:
    KakaoSyncSettings.objects.filter(pk=1).update(enabled=on)
    invalidate_settings()


def test_sync_login_adds_at_most_three_queries(sync_on, use_kakao_sandbox):
    people = use_kakao_sandbox.state.people
    template = people[1001]
    for pid in (2001, 2002, 2003, 2004):  # same profile shape as 1001, own email each
        people[pid] = dataclasses.replace(
            template, id=pid, nickname=f"shopper{pid}", email=f"shopper{pid}@example.com"
        )
    client = Client()

    _set_sync(False)
    callback_queries(client, use_kakao_sandbox, 2001)  # plain signup, unmeasured
    plain_signup = callback_queries(client, use_kakao_sandbox, 2002)
    callback_queries(client, use_kakao_sandbox, 2002)  # plain login, unmeasured
    plain_login = callback_queries(client, use_kakao_sandbox, 2002)
    assert not KakaoSyncMember.objects.exists()

    _set_sync(True)
    callback_queries(client, use_kakao_sandbox, 2003)  # Sync signup, unmeasured
    sync_signup = callback_queries(client, use_kakao_sandbox, 2004)
    callback_queries(client, use_kakao_sandbox, 2004)  # Sync login, unmeasured
    sync_login = callback_queries(client, use_kakao_sandbox, 2004)
    assert KakaoSyncMember.objects.count() == 2

    print(
        f"plain login {len(plain_login)}, sync login {len(sync_login)}; "
        f"plain signup {len(plain_signup)}, sync signup {len(sync_signup)}"
    )
    # Read recently, the row holds: the returning login reads it and nothing else.
    assert len(sync_login) <= len(plain_login) + 1, _diff(plain_login, sync_login)
    assert not [q for q in sync_login if q.startswith('UPDATE "kakaosync')], sync_login
    # The signup writes the Sync row in its own transaction (the marketing consent rides on
    # the customer row): one INSERT, no savepoint or transaction of its own; and asks once
    # whether the Kakao account is an unlinked member's (then it logs back into it).
    assert len(sync_signup) <= len(plain_signup) + 2, _diff(plain_signup, sync_signup)


def test_first_sync_login_of_an_existing_kakao_customer(sync_on, use_kakao_sandbox):
    """A customer who joined before Sync was on gets their row at the next login."""
    client = Client()
    _set_sync(False)
    callback_queries(client, use_kakao_sandbox, 1001)
    _set_sync(True)
    callback_queries(client, use_kakao_sandbox, 1001)
    member = KakaoSyncMember.objects.get()
    assert [t["tag"] for t in member.terms if t["agreed"]] == TERMS
