"""A single-page front end at a ``HEADLESS_ONLY`` host, as plain HTTP: allauth headless's
browser API (``/_allauth/browser/v1``) with the session cookie and Django's CSRF token in
``X-CSRFToken`` (every browser endpoint sets the ``csrftoken`` cookie), the Kakao login as
the documented form POST to ``provider/redirect`` with a ``callback_url``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from .shopper import TIMEOUT, Shopper

BROWSER = "/_allauth/browser/v1"
CALLBACK = "/app/account/provider/callback"  # the front end's page (not served: never followed)


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class HeadlessShopper(Shopper):
    last_authorize: str = ""  # the URL the shop sent the browser to at Kakao

    def csrf_token(self) -> str:
        if "csrftoken" not in self.http.cookies:
            self.get(f"{BROWSER}/config")
        return str(self.http.cookies.get("csrftoken") or "")

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        """A JSON call as the front end makes it (``fetch`` with ``same-origin`` credentials)."""
        return self.http.request(
            method,
            self.url(path),
            json=body,
            headers={"X-CSRFToken": self.csrf_token()},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    def session(self) -> requests.Response:
        return self.api("GET", f"{BROWSER}/auth/session")

    def logged_in(self) -> bool:
        return self.session().status_code == 200

    def password_login(self, login: str, password: str) -> requests.Response:
        return self.api("POST", f"{BROWSER}/auth/login", {"username": login, "password": password})

    def user_id_login(self, user_id: str) -> requests.Response:
        return self.api("POST", "/keymap/headless/login/user-id", {"user_id": user_id})

    def kakao_login(self) -> requests.Response:
        """The front end's Kakao button: a form POST to ``provider/redirect``, Kakao's consent
        screen (agreeing to everything shown), and the shop's callback, whose answer is the
        redirect to the front end's ``callback_url`` (``?error=<code>`` on a refusal)."""
        resp = self.http.post(
            self.url(f"{BROWSER}/auth/provider/redirect"),
            data={
                "provider": "kakao",
                "process": "login",
                "callback_url": CALLBACK,
                "csrfmiddlewaretoken": self.csrf_token(),
            },
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert resp.status_code == 302, (resp.status_code, resp.text[:500])
        self.last_authorize = resp.headers["Location"]
        return self.through_kakao(self.last_authorize)
