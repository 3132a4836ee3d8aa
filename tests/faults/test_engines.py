"""The engines under the shop fail under load: PostgreSQL restarts, Redis goes away, and
forged or replayed Kakao webhooks arrive by the dozen (a real stack per module)."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from bench.load import flows

from .conftest import Shopper, assert_no_half_written, together

pytestmark = [pytest.mark.postgres]


def _storm(stack, threads: int, seconds: float) -> tuple[Counter[str], threading.Event]:
    """Kakao logins of new shoppers without pause for ``seconds``; how each ended."""
    ended: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def shopper() -> None:
        while not stop.is_set():
            outcome = Shopper.new(stack).kakao_login()
            with lock:
                ended[outcome] += 1

    workers = [threading.Thread(target=shopper) for _ in range(threads)]
    for worker in workers:
        worker.start()
    threading.Timer(seconds, stop.set).start()
    for worker in workers:
        worker.join()
    return ended, stop


def test_postgres_restarted_under_load_fails_requests_in_flight_cleanly(stack, sql) -> None:
    def restart() -> None:
        time.sleep(1.5)
        stack.stop_postgres("immediate")  # connections in use are cut, as in a crash
        time.sleep(2)
        stack.start_postgres_again()

    restarting = threading.Thread(target=restart)
    restarting.start()
    ended, _stop = _storm(stack, threads=8, seconds=8)
    restarting.join()

    assert set(ended) <= {"in", "told"}, ended
    assert ended["told"] >= 1, f"the restart was not noticed: {ended}"
    # Later logins succeed with nothing restarted at the shop, and every login kept whole.
    again = together(16, lambda i: Shopper.new(stack).kakao_login())
    assert again == Counter({"in": 16}), again
    assert_no_half_written(sql)


def _store_name(stack) -> str:
    page = requests.get(f"{stack.url}/accounts/login/", timeout=30).text
    title = re.search(r"<title>([^<]*)</title>", page)
    return title.group(1) if title else ""


def _set_store_name(stack, name: str) -> None:
    import json
    import subprocess
    import sys

    from .conftest import ROOT

    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "storeconfig", "import", "-"],
        input=json.dumps({"store": {"name": name}}).encode(),
        env=stack.env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def test_redis_down_the_shop_keeps_serving_and_limits_still_hold(stack, sql) -> None:
    stack.stop_redis()
    try:
        # Logins of every kind go on.
        kakao = together(16, lambda i: Shopper.new(stack).kakao_login())
        assert kakao == Counter({"in": 16}), kakao
        shopper = Shopper.new(stack)
        assert flows.store_id_login(shopper.session, shopper.target, "gamer123", "gamer-pass-123")
        assert shopper.logged_in()
        # A settings change is in force at once on every worker (read from the database).
        name = f"Shop {uuid.uuid4().hex[:6]}"
        _set_store_name(stack, name)
        assert all(name in _store_name(stack) for _ in range(8))
        # The user-ID limit (10 per ID) holds in each worker: 2 servers x 2 workers.
        answers = Counter(_user_id_login(stack, "12345678") for _ in range(60))
        assert answers[429] >= 60 - 4 * 10, answers
        assert set(answers) <= {302, 429}, answers
    finally:
        stack.start_redis()
    # Redis back: the change made while it was down is still what every worker shows.
    assert all(name in _store_name(stack) for _ in range(8))
    again = together(8, lambda i: Shopper.new(stack).kakao_login())
    assert again == Counter({"in": 8}), again
    assert_no_half_written(sql)


def _user_id_login(stack, user_id: str) -> int:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    page = session.get(f"{stack.url}/keymap/login/user-id/", timeout=30)
    resp = session.post(
        f"{stack.url}/keymap/login/user-id/",
        data={"csrfmiddlewaretoken": flows._csrf(session, page.text), "user_id": user_id},
        headers={"Referer": f"{stack.url}/keymap/login/user-id/"},
        allow_redirects=False,
        timeout=30,
    )
    return resp.status_code


def test_forged_and_replayed_kakao_webhooks_under_load_are_refused_counted_and_change_nothing(
    stack, sql
) -> None:
    shopper = Shopper.new(stack)
    person = shopper.kakao_person()
    outcome = shopper.finish(shopper.kakao_callback())
    deliveries = sql(
        "select string_agg(outcome || ' ' || coalesce(status_code, 0) || ' ' || error, '; ') "
        "from keymap_delivery"
    )
    assert outcome == "in", (shopper.last_page, deliveries)
    kakao = stack.sandbox_urls["kakao"]
    links = f"select count(*) from socialaccount_socialaccount where uid = '{person}'"
    assert sql(links) == 1

    # Forged unlinks: the right user and App ID, a wrong admin key.
    def forged_unlink(_i: int) -> str:
        resp = requests.post(
            f"{stack.url}/kakaosync/webhooks/unlink/",
            data={"user_id": str(person), "app_id": "100001", "referrer_type": "UNLINK_FROM_APPS"},
            headers={"Authorization": "KakaoAK forged-admin-key"},
            timeout=30,
        )
        return str(resp.status_code)

    unlinks = together(64, forged_unlink)
    assert set(unlinks) <= {"401", "403"}, unlinks

    # A security event signed with a key that is not Kakao's.
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = requests.get(f"{kakao}/.well-known/jwks.json", timeout=10).json()
    claims = {
        "iss": kakao,
        "aud": "sandbox-rest-api-key",
        "iat": int(time.time()),
        "sub": str(person),
        "events": {"https://schemas.kakao.com/events/risc/account-disabled": {}},
    }

    def forged_event(i: int) -> str:
        token = jwt.encode(
            {**claims, "jti": uuid.uuid4().hex},
            forged_key,
            algorithm="RS256",
            headers={"kid": jwks["keys"][0]["kid"], "typ": "secevent+jwt"},
        )
        return str(_push(stack, token))

    events = together(32, forged_event)
    assert events == Counter({"400": 32}), events

    # A genuine event (the sandbox pushes it once), then replayed 32 times at once.
    sent = requests.post(
        f"{kakao}/sandbox/events",
        data={"user_id": str(person), "event": "user-profile-changed"},
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    assert sent["status"] == 202, sent
    replays = together(32, lambda i: str(_push(stack, sent["token"])))
    # Acknowledged (a lost 202 makes Kakao send it again), never acted on twice: counted.
    assert set(replays) <= {"202", "400"}, replays
    assert sql("select count(*) from kakaosync_webhookdelivery where outcome = 'replayed'") == 32
    jti = jwt.decode(sent["token"], options={"verify_signature": False})["jti"]
    assert sql(f"select count(*) from kakaosync_webhookdelivery where jti = '{jti}'") == 1

    # Nothing changed: the Kakao link is there and the customer still logged in.
    assert sql(links) == 1
    assert shopper.logged_in()

    # Counted: refused calls are recorded, at most the per-minute cap per address and kind.
    def recorded(kind: str, *outcomes: str) -> int:
        listed = ", ".join(f"'{o}'" for o in outcomes)
        return sql(
            f"select count(*) from kakaosync_webhookdelivery where kind = '{kind}' "
            f"and outcome in ({listed})"
        )

    assert 1 <= recorded("unlink", "unauthorized") <= 30
    assert 1 <= recorded("events", "invalid_token") <= 30
    assert recorded("unlink", "processed") == 0


def _push(stack, token: str) -> int:
    return requests.post(
        f"{stack.url}/kakaosync/webhooks/events/",
        data=token.encode(),
        headers={"Content-Type": "application/secevent+jwt", "Accept": "application/json"},
        timeout=30,
    ).status_code
