"""Plain allauth's logins timed in-process: the baseline of ``bench/*_login.py``.

Runs in its own process (``python -m bench.allauth_minimal.inprocess KIND --n N``), since
one process holds one Django settings module; prints one JSON object: the seconds of each
timed login and the queries of one. The caller gives the database (``DATABASE_URL``, a file
of its own next to the shop's) and Kakao (``KAKAO_SANDBOX_URL``, or ``--mock`` for Kakao's
two calls answered by ``responses`` as ``bench/sociallogin_login.py`` does).

``kakao``: a returning customer's Kakao login; timed: login POST + callback with ``--mock``
(as ``bench/sociallogin_login.py``), the callback alone against the sandbox (as
``bench/kakaosync_login.py``).
``password``: a username/password login through allauth's login form.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import parse_qs, unquote_plus, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))


class Window:
    """The timed part of a login; on the last login, its queries are counted instead."""

    count = False
    queries = 0

    def __enter__(self) -> Window:
        self.started = time.perf_counter()
        if Window.count:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            self.ctx = CaptureQueriesContext(connection)
            self.ctx.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.elapsed = time.perf_counter() - self.started
        if Window.count:
            self.ctx.__exit__(*exc)
            Window.queries = len(self.ctx.captured_queries)


def _kakao_user(uid: int) -> dict[str, object]:
    return {
        "id": uid,
        "kakao_account": {
            "profile": {"nickname": f"u{uid}"},
            "email": f"u{uid}@example.com",
            "is_email_verified": True,
            "is_email_valid": True,
        },
    }


def kakao_login_mocked(client: object) -> Callable[[], float]:
    import responses

    def login() -> float:
        with responses.RequestsMock() as rsps:
            rsps.add(
                responses.POST, "https://kauth.kakao.com/oauth/token", json={"access_token": "t"}
            )
            rsps.add(responses.GET, "https://kapi.kakao.com/v2/user/me", json=_kakao_user(2))
            with Window() as window:
                resp = client.post("/accounts/kakao/login/")  # type: ignore[attr-defined]
                state = parse_qs(urlsplit(resp["Location"]).query)["state"][0]
                done = client.get(  # type: ignore[attr-defined]
                    "/accounts/kakao/login/callback/", {"code": "c", "state": state}
                )
        assert done.status_code == 302, done.content[:300]
        client.logout()  # type: ignore[attr-defined]
        return window.elapsed

    return login


def kakao_login_sandbox(client: object, kakao_url: str, person: int) -> Callable[[], float]:
    """The Kakao sandbox over loopback; the consent screen is answered the first time."""
    import requests

    kakao = requests.Session()
    kakao.post(f"{kakao_url}/sandbox/login", data={"person": str(person), "next": "/"}, timeout=10)

    def login() -> float:
        resp = client.post("/accounts/kakao/login/", {"process": "login"})  # type: ignore[attr-defined]
        authorize = kakao.get(resp["Location"], allow_redirects=False, timeout=10)
        if authorize.status_code == 200:
            form: dict[str, object] = {
                k: unquote_plus(v[0]) for k, v in parse_qs(urlsplit(resp["Location"]).query).items()
            }
            form.update({"action": "agree", "item": ["profile_nickname", "account_email"]})
            authorize = kakao.post(
                f"{kakao_url}/oauth/authorize/consent", data=form, allow_redirects=False, timeout=10
            )
        location = urlsplit(authorize.headers["Location"])
        with Window() as window:
            done = client.get(f"{location.path}?{location.query}")  # type: ignore[attr-defined]
        assert done.status_code == 302 and done["Location"] == "/account/", done["Location"]
        client.logout()  # type: ignore[attr-defined]
        return window.elapsed

    return login


def password_login(client: object) -> Callable[[], float]:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("plain", "plain@example.com", "plain-pass-123")

    def login() -> float:
        with Window() as window:
            resp = client.post(  # type: ignore[attr-defined]
                "/accounts/login/", {"login": "plain", "password": "plain-pass-123"}
            )
        assert resp.status_code == 302, resp.status_code
        client.logout()  # type: ignore[attr-defined]
        return window.elapsed

    return login


class Baseline(TypedDict):
    """What one run of this module answers: each timed login's seconds, one login's queries."""

    times: list[float]
    queries: int
    terms: str  # config.engines.describe: the baseline's database, cache, sessions, hasher


def equal_terms(baseline: Baseline) -> str:
    """The line a benchmark prints about its two sides' engines; exits when they differ.

    Called in the shop's process once its settings are final, after the baseline ran."""
    from django.conf import settings

    from config.engines import describe

    ours = describe(settings)
    if ours != baseline["terms"]:
        raise SystemExit(
            f"unequal terms, no ratio printed:\n  ours:  {ours}\n  plain: {baseline['terms']}"
        )
    return f"  equal terms on both sides: {ours}"


def run(kind: str, n: int, database_url: str, person: int = 1001, **env: str) -> Baseline:
    """Run this module in a process of its own; its JSON answer."""
    import subprocess

    args = [sys.executable, "-m", "bench.allauth_minimal.inprocess", kind, "--n", str(n)]
    args += ["--person", str(person)]
    if kind == "kakao" and not env.get("KAKAO_SANDBOX_URL"):
        args.append("--mock")
    root = Path(__file__).resolve().parent.parent.parent
    environ = {**os.environ, **env, "DATABASE_URL": database_url}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(args, cwd=root, env=environ, capture_output=True, text=True, check=True)
    answer: Baseline = json.loads(out.stdout.strip().splitlines()[-1])
    return answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["kakao", "password"])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--mock", action="store_true", help="Kakao answered by responses")
    parser.add_argument("--person", type=int, default=1001, help="Kakao sandbox person")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.allauth_minimal.settings"
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from allauth.socialaccount.models import SocialApp
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # The shop's in-process benchmarks hash passwords with MD5; so does the baseline.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every login here comes from one address, faster than allauth's limit per address.
    settings.ACCOUNT_RATE_LIMITS = False
    call_command("migrate", verbosity=0)
    SocialApp.objects.update_or_create(
        provider="kakao",
        defaults={
            "name": "Kakao",
            "client_id": os.environ.get("KAKAO_SANDBOX_REST_API_KEY", "bench"),
            "secret": "s",
        },
    )
    from bench.allauth_minimal.kakao_sandbox import use_sandbox

    client = Client()
    if args.kind == "password":
        login = password_login(client)
    elif args.mock:
        login = kakao_login_mocked(client)
    else:
        use_sandbox()
        login = kakao_login_sandbox(
            client, str(getattr(settings, "KAKAO_SANDBOX_URL", "")).rstrip("/"), args.person
        )
    for _ in range(args.warm):  # the signup, then warm caches and connections
        login()
    times = [login() for _ in range(args.n)]
    Window.count = True
    login()
    from config.engines import describe

    print(json.dumps({"times": times, "queries": Window.queries, "terms": describe(settings)}))


if __name__ == "__main__":
    main()
