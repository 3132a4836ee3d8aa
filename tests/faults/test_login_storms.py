"""Many first logins at once, and peers that fail in the middle of a storm (PostgreSQL,
two app servers of two workers each behind nginx, the sandboxes)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import requests

from .conftest import PEER_TIMEOUT, Shopper, assert_no_half_written, set_fault, together

pytestmark = [pytest.mark.postgres]

SHOPPERS = 64


def test_64_parallel_first_logins_of_one_kakao_user_make_one_customer(stack, sql) -> None:
    person = Shopper.new(stack).kakao_person()
    shoppers = [Shopper.new(stack) for _ in range(SHOPPERS)]
    callbacks = []
    for shopper in shoppers:  # each at Kakao's consent screen and back, nothing at the shop yet
        shopper.kakao_person(person)
        callbacks.append(shopper.kakao_callback())

    ended = together(SHOPPERS, lambda i: shoppers[i].finish(callbacks[i]))

    assert set(ended) <= {"in", "told"}, ended
    assert ended["in"] >= 1, ended
    uid = str(person)
    assert (
        sql(
            "select count(*) from socialaccount_socialaccount "
            f"where provider = 'kakao' and uid = '{uid}'"
        )
        == 1
    )
    assert (
        sql(
            "select count(distinct user_id) from socialaccount_socialaccount "
            f"where provider = 'kakao' and uid = '{uid}'"
        )
        == 1
    )
    assert_no_half_written(sql)
    # Whoever was told to retry gets in on the retry.
    retried = Counter(
        s.kakao_login(person) for s, e in zip(shoppers, ended, strict=False) if e != "in"
    )
    assert set(retried) <= {"in"}, retried


def test_64_social_accounts_the_partner_knows_as_one_user_make_one_customer(stack, sql) -> None:
    partner = stack.sandbox_urls["partner"]
    requests.post(
        f"{partner}/sandbox/social-login-as", json={"player_id": "87654321"}, timeout=5
    ).raise_for_status()
    try:
        shoppers = [Shopper.new(stack) for _ in range(SHOPPERS)]
        callbacks = []
        for shopper in shoppers:  # 64 different Kakao accounts
            shopper.kakao_person()
            callbacks.append(shopper.kakao_callback())

        ended = together(SHOPPERS, lambda i: shoppers[i].finish(callbacks[i]))
    finally:
        requests.post(
            f"{partner}/sandbox/social-login-as", json={"player_id": None}, timeout=5
        ).raise_for_status()

    assert set(ended) <= {"in", "told"}, ended
    assert ended["in"] >= 1, ended
    assert sql("select count(*) from keymap_partnerlink where server_custom_id = '87654321'") == 1
    assert_no_half_written(sql)


PEER_FAULTS = [
    (peer, mode)
    for mode in ("slow", "error", "garbage", "reset", "refuse")  # refusing restarts the peer
    for peer in ("kakao", "partner")
]


def _fault(stack, peer: str, mode: str, on: bool) -> None:
    if mode == "refuse":
        (stack.stop_sandbox if on else stack.start_sandbox)(peer)
    else:
        set_fault(stack, peer, mode if on else "none", seconds=PEER_TIMEOUT * 5)


@pytest.mark.parametrize(("peer", "mode"), PEER_FAULTS, ids=[f"{p}-{m}" for p, m in PEER_FAULTS])
def test_a_peer_failing_in_a_storm_tells_shoppers_writes_nothing_half_and_recovers(
    stack, sql, peer: str, mode: str
) -> None:
    storm, broken = 16, 6
    shoppers = [Shopper.new(stack) for _ in range(storm + broken)]
    callbacks = []
    for shopper in shoppers:  # back from Kakao's consent screen, about to reach the shop
        shopper.kakao_person()
        callbacks.append(shopper.kakao_callback())

    # The fault starts while the storm's logins are under way...
    flip = threading.Timer(0.3, _fault, (stack, peer, mode, True))
    flip.start()
    try:
        ended = together(storm, lambda i: shoppers[i].finish(callbacks[i]))
        flip.join()
        # ...and these arrive while it lasts.
        during = together(broken, lambda i: shoppers[storm + i].finish(callbacks[storm + i]))
    finally:
        flip.cancel()
        flip.join()
        _fault(stack, peer, mode, False)

    assert set(ended) <= {"in", "told"}, ended
    assert during == Counter({"told": broken}), during
    assert_no_half_written(sql)
    # The peer is back: the same shoppers log in, with nothing restarted at the shop.
    time.sleep(1)  # past the cache's and the clients' memory of the failure
    again = together(len(shoppers), lambda i: shoppers[i].kakao_login())
    assert again == Counter({"in": len(shoppers)}), again
    assert_no_half_written(sql)
