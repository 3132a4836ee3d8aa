"""When a returning Kakao Sync login asks Kakao for the terms and channel relation again.

Within ``KAKAOSYNC_SYNC_READ_MAX_AGE`` of the last read it does not, unless something only
Kakao can answer may have changed (a required term missing, the ``/v2/user/me`` answer or
the store's settings no longer matching the row).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kakaosync import client, sync
from kakaosync.conf import load_config
from kakaosync.models import KakaoSyncMember, ServiceTerm, invalidate_settings
from store.consents import SESSION_KEY, noted

from .conftest import APP_ID, CHANNEL, shop_kakao_login

pytestmark = pytest.mark.django_db
ALL_TERMS = ["terms_of_service", "privacy_policy", "marketing"]


@pytest.fixture
def sync_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Sync reads made at Kakao (the calls go through to the sandbox)."""
    calls: list[str] = []
    for name in ("get_service_terms", "get_channels"):
        original = getattr(client, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            calls.append(_name)
            return _original(*args, **kw)

        monkeypatch.setattr(client, name, spy)
    return calls


def _join(client_: Any, sandbox: Any) -> KakaoSyncMember:
    resp, _ = shop_kakao_login(client_, sandbox, terms=ALL_TERMS, channels=[CHANNEL])
    assert resp.status_code == 302
    client_.logout()
    return KakaoSyncMember.objects.get()


def test_a_recent_read_is_kept_without_asking_kakao(
    client, sync_on, use_kakao_sandbox, sync_reads
) -> None:
    member = _join(client, use_kakao_sandbox)
    sync_reads.clear()
    resp, _ = shop_kakao_login(client, use_kakao_sandbox)
    assert resp.status_code == 302 and resp["Location"] == "/account/"
    assert sync_reads == []
    assert KakaoSyncMember.objects.get().last_read_at == member.last_read_at
    # The request guard has its answer for this session: nothing missing.
    assert client.session[SESSION_KEY]["checked"]["kakao"] == ["privacy_policy", "terms_of_service"]
    assert noted(client.session) == []


def test_a_read_older_than_the_max_age_sees_what_kakao_did_not_announce(
    client, sync_on, use_kakao_sandbox, sync_reads
) -> None:
    member = _join(client, use_kakao_sandbox)
    # Blocked at Kakao, and the channel webhook never arrived.
    use_kakao_sandbox.state.set_channel(CHANNEL, member.kakao_user_id, "BLOCKED")
    shop_kakao_login(client, use_kakao_sandbox)
    client.logout()
    assert KakaoSyncMember.objects.get().channel_status == "ADDED"

    KakaoSyncMember.objects.update(last_read_at=timezone.now() - timedelta(hours=1, seconds=1))
    sync_reads.clear()
    shop_kakao_login(client, use_kakao_sandbox)
    assert sorted(sync_reads) == ["get_channels", "get_service_terms"]
    assert KakaoSyncMember.objects.get().channel_status == "BLOCKED"


def test_a_required_term_added_by_the_store_is_read_at_the_next_login(
    client, sync_on, use_kakao_sandbox, sync_reads
) -> None:
    _join(client, use_kakao_sandbox)
    ServiceTerm.objects.create(
        settings=sync_on, tag="age_check", title="Age check", required=True, position=9
    )
    invalidate_settings()
    sync_reads.clear()
    shop_kakao_login(client, use_kakao_sandbox)
    assert sorted(sync_reads) == ["get_channels", "get_service_terms"]
    assert noted(client.session) == [{"where": "kakao", "tag": "age_check"}]


def test_max_age_zero_reads_at_every_login(
    client, sync_on, use_kakao_sandbox, sync_reads, settings
) -> None:
    settings.KAKAOSYNC_SYNC_READ_MAX_AGE = 0
    _join(client, use_kakao_sandbox)
    sync_reads.clear()
    shop_kakao_login(client, use_kakao_sandbox)
    assert sorted(sync_reads) == ["get_channels", "get_service_terms"]


def _member(**changes: Any) -> KakaoSyncMember:
    fields: dict[str, Any] = {
        "kakao_user_id": 1001,
        "app_id": APP_ID,
        "terms": [{"tag": t, "agreed": True} for t in ALL_TERMS],
        "phone_consented": False,
        "channel_public_id": CHANNEL,
        "channel_status": "ADDED",
        "last_read_at": timezone.now(),
        "synched_at": timezone.now() - timedelta(days=3),
    }
    return KakaoSyncMember(**{**fields, **changes})


def _extra(member: KakaoSyncMember, **changes: Any) -> dict[str, Any]:
    return {"synched_at": member.synched_at.isoformat(), "kakao_account": {}, **changes}


def test_a_matching_recent_row_holds(sync_on) -> None:
    member = _member()
    assert sync.last_read_holds(member, load_config(), "1001", _extra(member))


@pytest.mark.parametrize(
    ("member_changes", "extra_changes", "uid"),
    [
        ({"unlinked_at": timezone.now()}, {}, "1001"),
        ({"needs_recovery": True}, {}, "1001"),
        ({"profile_changed_at": timezone.now()}, {}, "1001"),
        ({"last_read_at": timezone.now() - timedelta(hours=2)}, {}, "1001"),
        ({}, {}, "1002"),  # another Kakao account
        ({"app_id": APP_ID + 1}, {}, "1001"),  # the store moved to another Kakao app
        ({"channel_public_id": "_oldch"}, {}, "1001"),  # the store changed its channel
        ({"terms": [{"tag": "terms_of_service", "agreed": True}]}, {}, "1001"),
        ({}, {"kakao_account": {"phone_number": "+82 10-1234-5678"}}, "1001"),
        ({}, {"synched_at": "2026-11-28T00:00:00Z"}, "1001"),
    ],
)
def test_a_row_that_may_be_outdated_does_not_hold(
    sync_on, member_changes: dict[str, Any], extra_changes: dict[str, Any], uid: str
) -> None:
    member = _member(**member_changes)
    assert not sync.last_read_holds(member, load_config(), uid, _extra(member, **extra_changes))


def test_a_store_without_a_channel_keeps_a_row_without_one(sync_on) -> None:
    sync_on.channel_public_id = ""
    sync_on.save()
    member = _member(channel_public_id="")
    assert sync.last_read_holds(member, load_config(), "1001", _extra(member))
