"""Drive the Kakao sandbox's pages with plain HTTP (what a browser would post)."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import requests


def login_and_consent(
    base: str,
    authorize_url: str,
    *,
    person: str = "1001",
    items: list[str] | None = None,
    terms: list[str] | None = None,
    channels: list[str] | None = None,
    action: str = "agree",
    http: requests.Session | None = None,
) -> requests.Response:
    """Log in at the sandbox, answer its consent screen; returns the redirect to the shop."""
    http = http or requests.Session()
    resp = http.get(authorize_url, allow_redirects=False, timeout=5)
    if resp.status_code == 200 and "/sandbox/login" in resp.text:
        next_url = re.search(r'name="next" value="([^"]+)"', resp.text).group(1)
        resp = http.post(
            f"{base}/sandbox/login",
            data={"person": person, "next": next_url.replace("&amp;", "&")},
            allow_redirects=False,
            timeout=5,
        )
        resp = http.get(base + resp.headers["Location"], allow_redirects=False, timeout=5)
    if resp.status_code == 302:
        return resp
    assert resp.status_code == 200, resp.text
    hidden = dict(
        (k, v.replace("&amp;", "&"))
        for k, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', resp.text)
        if k != "item"
    )
    form = list(hidden.items())
    form += [("item", i) for i in items or ["profile_nickname", "account_email"]]
    form += [("term", t) for t in terms or []]
    form += [("channel", c) for c in channels or []]
    form.append(("action", action))
    return http.post(
        f"{base}/oauth/authorize/consent",
        data=urllib.parse.urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=5,
    )


def query_of(location: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def exchange_code(base: str, code: str, *, redirect_uri: str, secret: str = "sec") -> Any:
    """``POST /oauth/token`` as allauth's Kakao provider sends it; the raw response."""
    return requests.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": "rest",
            "redirect_uri": redirect_uri,
            "code": code,
            "client_secret": secret,
        },
        timeout=5,
    )


def kapi(base: str, method: str, path: str, token: str, **data: str) -> Any:
    """A call to the sandbox's kapi with the user's token; the raw response."""
    headers = {"Authorization": f"Bearer {token}"}
    return requests.request(method, base + path, headers=headers, data=data or None, timeout=5)
