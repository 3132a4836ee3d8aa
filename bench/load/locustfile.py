"""Shoppers of a sale announced in a KakaoTalk channel, for Locust (``bench/load/run.py``).

Each simulated shopper logs in again and again without pause; one Locust entry of type
``LOGIN`` is one whole login (every request of it, Kakao's pages included). The host is the
shop (or plain allauth) behind its proxy; ``KAKAO_SANDBOX_URL`` is Kakao. Each shopper
sends its own ``X-Forwarded-For`` address, as a CDN in front of the proxy would, so that rate
limits per address see shoppers, not the load generator.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable

import requests
from locust import User, constant, task

from bench.load import flows

_addresses = itertools.count(1)
STORE_IDS = [("gamer123", "gamer-pass-123"), ("minji", "minji-pass-123")]


def _address(n: int) -> str:
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


class Shopper(User):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        n = next(_addresses)
        self.target = flows.Target(self.host or "", os.environ["KAKAO_SANDBOX_URL"])
        self.address = _address(n)
        self.session = self.new_session()

    def new_session(self) -> requests.Session:
        session = requests.Session()
        session.headers.update({"User-Agent": flows.BROWSER_UA, "X-Forwarded-For": self.address})
        return session

    def sign_up_once(self) -> None:
        flows.kakao_account(self.session, self.target)
        self.timed("kakao signup", lambda: flows.kakao_login(self.session, self.target))
        flows.shop_logout(self.session)

    def timed(self, name: str, login: Callable[[], str]) -> None:
        start = time.perf_counter()
        exception: Exception | None = None
        try:
            landed = login()
            if landed != "/account/":
                exception = flows.FlowError(f"landed on {landed}")
        except (flows.FlowError, requests.RequestException, KeyError) as exc:
            exception = exc
        self.environment.events.request.fire(
            request_type="LOGIN",
            name=name,
            response_time=(time.perf_counter() - start) * 1000,
            response_length=0,
            exception=exception,
            context={},
        )


class KakaoNewShopper(Shopper):
    """A shopper new to the shop (and to Kakao): consent, Kakao Sync signup."""

    weight = 1

    @task
    def signup(self) -> None:
        self.session = self.new_session()

        def flow() -> str:
            flows.kakao_account(self.session, self.target)
            return flows.kakao_login(self.session, self.target)

        self.timed("kakao signup", flow)


class KakaoReturningShopper(Shopper):
    """A customer logging in with Kakao again (Kakao remembers the consent)."""

    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.sign_up_once()

    @task
    def login(self) -> None:
        self.timed("kakao returning", lambda: flows.kakao_login(self.session, self.target))
        flows.shop_logout(self.session)


class InAppShopper(Shopper):
    """The channel message's link opened in KakaoTalk: automatic login with prompt=none."""

    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.sign_up_once()

    @task
    def login(self) -> None:
        self.timed(
            "kakao in-app prompt=none", lambda: flows.inapp_auto_login(self.session, self.target)
        )
        flows.shop_logout(self.session)


class StoreIdShopper(Shopper):
    """A customer of the partner's user database: store ID and password (custom storage)."""

    weight = 2

    @task
    def login(self) -> None:
        # A shopper logs in once; this one stands for many, each from its own address (else
        # allauth's login limit per address, 30 a minute, answers 429 after half a minute).
        self.session.headers["X-Forwarded-For"] = _address(next(_addresses))
        login, password = STORE_IDS[next(_addresses) % len(STORE_IDS)]
        self.timed(
            "store ID (custom storage)",
            lambda: flows.store_id_login(self.session, self.target, login, password),
        )
        flows.shop_logout(self.session)
