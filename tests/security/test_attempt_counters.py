"""Wrong answers to a pending proof of ownership are counted atomically on the shared cache.

The proof waits in the session; counting there lets parallel requests each read the same
count and all be checked. 24 wrong codes or passwords sent at once to one pending proof
(the e-mail match of social login, and the KakaoTalk claim that uses the same proof) must
be checked at most ``SOCIALLOGIN_LINK_CODE_ATTEMPTS`` times. Real Redis, real threads.

The two parallel tests run on PostgreSQL only: SQLite's in-memory test database is shared
between threads in shared-cache mode, where a second writer is refused at once ("database
table is locked") instead of waiting, so 24 session saves at once fail there by the test
database's nature, not the shop's. A file database waits for its lock
(``test_sqlite_locking.py`` shows the demo's SQLite queueing parallel writers).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from tests.sociallogin.conftest import mock_kakao, social_login

PARALLEL = 24
LINK = "/sociallogin/link/"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_cache(settings: Any, redis_url: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def existing() -> Any:
    user = get_user_model().objects.create_user("minji", "minji@example.com", "correct horse")
    EmailAddress.objects.create(user=user, email="minji@example.com", verified=True, primary=True)
    return user


def _in_parallel(client: Client, data: dict[str, str]) -> list[str]:
    """Post ``data`` from PARALLEL threads at once in ``client``'s session; the pages."""
    cookie = client.cookies["sessionid"].value
    barrier = threading.Barrier(PARALLEL)
    pages: list[str] = []
    lock = threading.Lock()

    def post() -> None:
        from django.db import connection

        other = Client()
        other.cookies["sessionid"] = cookie
        barrier.wait()
        try:
            response = other.post(LINK, data)
            with lock:
                pages.append(response.content.decode() if response.status_code == 200 else "")
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(pages) == PARALLEL
    return pages


def _pending_proof(client: Client, mocked: Any) -> None:
    mock_kakao(mocked)
    assert social_login(client)["Location"] == LINK


@pytest.mark.postgres
def test_parallel_wrong_codes_are_checked_at_most_the_allowed_times(
    shared_cache: None, kakao: Any, mocked: Any, existing: Any, client: Client
) -> None:
    _pending_proof(client, mocked)
    client.post(LINK, {"action": "send_code"})
    pages = _in_parallel(client, {"action": "code", "code-code": "000000"})
    checked = sum("This code is wrong or has expired." in page for page in pages)
    assert 1 <= checked <= 5
    assert client.get(LINK).status_code == 302  # the proof is used up


@pytest.mark.postgres
def test_parallel_wrong_passwords_are_checked_at_most_the_allowed_times(
    shared_cache: None, kakao: Any, mocked: Any, existing: Any, client: Client
) -> None:
    _pending_proof(client, mocked)
    pages = _in_parallel(client, {"action": "password", "pw-password": "wrong guess"})
    checked = sum("This password is not right." in page for page in pages)
    assert 1 <= checked <= 5
    # Even the right password is not checked any more for this proof.
    response = client.post(LINK, {"action": "password", "pw-password": "correct horse"})
    assert response.status_code == 302
    from allauth.socialaccount.models import SocialAccount

    assert not SocialAccount.objects.exists()


def test_new_proofs_for_one_account_share_its_budget(
    shared_cache: None, kakao: Any, mocked: Any, existing: Any
) -> None:
    """Starting over gives a new proof, not a new budget against the same account."""
    from sociallogin.ownership import PROOFS_PER_ACCOUNT

    for _round in range(PROOFS_PER_ACCOUNT):
        client = Client()
        _pending_proof(client, mocked)
        statuses = [
            client.post(LINK, {"action": "password", "pw-password": "nope"}).status_code
            for _ in range(5)
        ]
        assert statuses == [200, 200, 200, 200, 302]  # the fifth wrong answer ends the proof
    client = Client()
    _pending_proof(client, mocked)
    response = client.post(LINK, {"action": "password", "pw-password": "correct horse"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    from allauth.socialaccount.models import SocialAccount

    assert not SocialAccount.objects.exists()
