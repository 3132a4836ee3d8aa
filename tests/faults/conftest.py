"""A small real stack per test module, and shoppers that tell how their login ended.

``scripts/stack.py``'s ``Stack`` (the one ``make stack`` runs): PostgreSQL, Redis, two
gunicorn servers of two workers behind nginx, the sandboxes, the demo seeded; everything on
127.0.0.1. The tests run in the PostgreSQL leg of ``make test`` (marker ``postgres``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import psycopg
import pytest
import requests

from tests.conftest import require_stack_parts

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from stack import Stack  # noqa: E402

from bench.load import flows  # noqa: E402

# The shop's own answers to a fault (the shopper is told to retry or to start again).
CLEAR_MESSAGES = (
    "Please try again",
    "Nothing was saved",
    "Please start again",
    "answer the shop cannot use",
    "answer the store cannot read",
    "Kakao refused the request",
    "Please log in with Kakao again",
)
# Seconds the shop waits for Kakao and the partner in these tests (a slow peer is slower).
PEER_TIMEOUT = 2


@pytest.fixture(scope="module")
def stack(monkeypatch_module: pytest.MonkeyPatch) -> Iterator[Stack]:
    require_stack_parts("the fault tests")
    monkeypatch_module.setenv("KAKAOSYNC_TIMEOUT", str(PEER_TIMEOUT))
    monkeypatch_module.setenv("SOCIALACCOUNT_REQUESTS_TIMEOUT", str(PEER_TIMEOUT))
    with Stack(servers=2, workers=2) as running:
        config = {
            "keymap": {
                "webhooks": {
                    name: {"timeout": PEER_TIMEOUT}
                    for name in ("user_authentication", "user_creation", "social_login")
                }
            }
        }
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "storeconfig", "import", "-"],
            input=json.dumps(config).encode(),
            env=running.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield running


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture
def sql(stack: Stack) -> Iterator[Callable[[str], Any]]:
    """One value of a query on the stack's database (a connection each: it may restart)."""

    def one(query: str) -> Any:
        with psycopg.connect(stack.database_url, autocommit=True) as conn:
            row = conn.execute(query).fetchone()
            return row[0] if row else None

    yield one


def set_fault(stack: Stack, sandbox: str, mode: str, seconds: float = 30) -> None:
    requests.post(
        f"{stack.sandbox_urls[sandbox]}/sandbox/faults",
        json={"mode": mode, "seconds": seconds},
        timeout=5,
    ).raise_for_status()


@dataclass
class Shopper:
    """One browser: its cookies at the shop and at Kakao."""

    stack: Stack
    session: requests.Session
    last_page: str = ""  # where :meth:`finish` ended, as text (for failure messages)

    @classmethod
    def new(cls, stack: Stack) -> Shopper:
        session = requests.Session()
        session.headers["User-Agent"] = flows.BROWSER_UA
        session.headers["Accept-Language"] = "en"  # the messages below are English
        return cls(stack, session)

    @property
    def target(self) -> flows.Target:
        return flows.Target(self.stack.url, self.stack.sandbox_urls["kakao"])

    def kakao_person(self, person: int | None = None) -> int:
        """Log in at Kakao as ``person`` or as a new Kakao account; its Kakao user ID."""
        if person is None:
            tag = uuid.uuid4().hex[:12]
            data = {"person": "new", "nickname": f"f{tag}", "email": f"f{tag}@example.com"}
        else:
            data = {"person": str(person)}
        kakao = self.target.kakao
        resp = self.session.post(f"{kakao}/sandbox/login", data=data, allow_redirects=False)
        assert resp.status_code == 302, resp.text[:300]
        if person is not None:
            return person
        home = self.session.get(f"{kakao}/", timeout=10).text
        found = re.search(rf"<tr><td>(\d+)</td><td>{data['nickname']}</td>", home)
        assert found, "the new Kakao account is not on the sandbox's home page"
        return int(found.group(1))

    def kakao_callback(self) -> str:
        """The shop's Kakao button up to Kakao's redirect back (consenting): the callback URL."""
        shop = self.stack.url
        page = _expect(self.session.get(f"{shop}/accounts/login/", timeout=30), 200)
        resp = self.session.post(
            f"{shop}/accounts/kakao/login/",
            data={"csrfmiddlewaretoken": flows._csrf(self.session, page.text), "process": "login"},
            headers={"Referer": f"{shop}/accounts/login/"},
            allow_redirects=False,
            timeout=30,
        )
        _expect(resp, 302)
        return flows._follow_kakao(self.session, self.target, resp.headers["Location"])

    def finish(self, url: str) -> str:
        """Follow the shop from ``url``: ``"in"``, ``"told"`` (a clear message) or what broke."""
        try:
            resp = self.session.get(url, allow_redirects=False, timeout=60)
            for _hop in range(5):
                if resp.status_code not in (301, 302, 303):
                    break
                location = urljoin(resp.url, resp.headers["Location"])
                if "/signup" in urlsplit(location).path:
                    resp = self._social_signup(location)
                    continue
                resp = self.session.get(location, allow_redirects=False, timeout=60)
        except requests.RequestException as exc:
            return f"no answer: {type(exc).__name__}"
        self.last_page = f"{resp.status_code} {resp.url}\n{_text(resp.text)}"
        # The account page itself proves the login (asking again may meet the outage).
        on_account = urlsplit(resp.url).path == "/account/"
        if resp.status_code == 200 and (on_account or self.logged_in()):
            return "in"
        if resp.status_code != 500 and any(m in resp.text for m in CLEAR_MESSAGES):
            return "told"
        title = re.search(r"<title>([^<]*)</title>", resp.text)
        return (
            f"{resp.status_code} at {urlsplit(resp.url).path} without a clear message "
            f"({title.group(1).strip() if title else resp.text[:80]!r})"
        )

    def _social_signup(self, location: str) -> requests.Response:
        page = self.session.get(location, timeout=60)
        form = {"csrfmiddlewaretoken": flows._csrf(self.session, page.text)}
        for name in flows.INPUT.findall(page.text):
            form.setdefault(name, "")
        return self.session.post(location, data=form, allow_redirects=False, timeout=60)

    def logged_in(self) -> bool:
        resp = self.session.get(f"{self.stack.url}/account/", allow_redirects=False, timeout=30)
        return resp.status_code == 200

    def kakao_login(self, person: int | None = None) -> str:
        try:
            self.kakao_person(person)
            return self.finish(self.kakao_callback())
        except Stopped as stop:
            return stop.outcome
        except (requests.RequestException, flows.FlowError, AssertionError) as exc:
            return f"could not start: {exc}"


def _text(html: str) -> str:
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()[:400]


class Stopped(Exception):
    """The shop answered before the login got far: ``outcome`` as :meth:`Shopper.finish`."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


def _expect(resp: requests.Response, status: int) -> requests.Response:
    if resp.status_code == status:
        return resp
    if resp.status_code != 500 and any(m in resp.text for m in CLEAR_MESSAGES):
        raise Stopped("told")
    raise Stopped(f"{resp.status_code} at {urlsplit(resp.url).path} without a clear message")


def together(count: int, work: Callable[[int], str]) -> Counter[str]:
    """``work(i)`` for ``count`` shoppers at once (released together); how each ended."""
    barrier = threading.Barrier(count)

    def run(index: int) -> str:
        barrier.wait(timeout=120)
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return Counter(pool.map(run, range(count)))


def assert_no_half_written(sql: Callable[[str], Any]) -> None:
    """Every customer whole: a profile, welcome points once, a partner link when linked."""
    assert (
        sql(
            "select count(*) from auth_user u left join store_customer c on c.user_id = u.id "
            "where c.id is null and not u.is_staff"
        )
        == 0
    ), "a user without a customer profile"
    assert (
        sql(
            "select count(*) from store_customer c where (select count(*) from store_pointentry p "
            "where p.customer_id = c.id and p.reason = 'welcome') <> 1"
        )
        == 0
    ), "a customer without welcome points, or with them twice"
    assert (
        sql(
            "select count(*) from socialaccount_socialaccount s left join keymap_partnerlink l "
            "on l.user_id = s.user_id where l.id is null or l.server_custom_id is null"
        )
        == 0
    ), "a social account whose customer has no partner link"
    assert (
        sql(
            "select count(*) from (select server_custom_id from keymap_partnerlink where linked "
            "group by server_custom_id having count(*) > 1) d"
        )
        == 0
    ), "two customers linked to one server_custom_id"
