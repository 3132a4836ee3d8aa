"""One shopper's logins over HTTP, as a browser does them (cookies, CSRF, redirects).

Plain functions over a ``requests.Session``: the locustfile times them under load, the
runner calls them one at a time to count queries. The Kakao side is the Kakao sandbox's own
HTTP API (its login and consent forms), so no browser is needed.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests

# Whether a login ends on the page the shop sends the shopper to (the demo's account page,
# allauth's "Hello") or at the redirect there: ``BENCH_LANDING=0`` measures the login alone.
LANDING = os.environ.get("BENCH_LANDING", "1") != "0"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
KAKAOTALK_UA = (
    "Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36 KAKAOTALK 10.4.5"
)
# Every consent item and the demo's service terms (the sandbox asks only for what it shows).
CONSENT_ITEMS = ["profile_nickname", "profile_image", "account_email", "gender", "birthday"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT = re.compile(r'<input[^>]*name="([^"]+)"[^>]*>')


class FlowError(Exception):
    """The flow did not end where a successful login ends."""


@dataclass
class Target:
    shop: str  # through the proxy
    kakao: str  # the Kakao sandbox


def _check(resp: requests.Response, *codes: int) -> requests.Response:
    if resp.status_code not in codes:
        raise FlowError(f"{resp.request.method} {urlsplit(resp.url).path}: {resp.status_code}")
    return resp


def _csrf(session: requests.Session, html: str) -> str:
    found = CSRF_INPUT.search(html)
    return found.group(1) if found else str(session.cookies.get("csrftoken") or "")


def kakao_account(session: requests.Session, target: Target) -> None:
    """Log in at the Kakao sandbox as a new Kakao account (its cookie stays in ``session``)."""
    tag = uuid.uuid4().hex[:12]
    data = {"person": "new", "nickname": f"s{tag}", "email": f"s{tag}@example.com", "next": "/"}
    _check(session.post(f"{target.kakao}/sandbox/login", data=data, allow_redirects=False), 302)


def _follow_kakao(session: requests.Session, target: Target, location: str) -> str:
    """From the shop's redirect to Kakao back to the shop's callback URL (consenting)."""
    resp = _check(session.get(location, allow_redirects=False), 200, 302)
    if resp.status_code == 200:  # first time: Kakao's consent screen, agree to everything
        form: list[tuple[str, str]] = [("action", "agree")]
        for html_input in re.finditer(r"<input[^>]*>", resp.text):
            tag = html_input.group(0)
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name and value:
                form.append((name.group(1), _unescape(value.group(1))))
        resp = _check(
            session.post(
                f"{target.kakao}/oauth/authorize/consent", data=form, allow_redirects=False
            ),
            302,
        )
    back = resp.headers["Location"]
    if dict(parse_qsl(urlsplit(back).query)).get("error"):
        raise FlowError(f"Kakao answered {back}")
    return back


def _unescape(value: str) -> str:
    return (
        value.replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def _finish(session: requests.Session, target: Target, callback: str) -> str:
    """The shop's callback, and the social signup form if the shop shows one; where it ends."""
    resp = _check(session.get(callback, allow_redirects=False), 302)
    location = urljoin(target.shop + "/", resp.headers["Location"])
    if "/signup" in location:
        page = _check(session.get(location), 200)
        form = {"csrfmiddlewaretoken": _csrf(session, page.text)}
        for name in INPUT.findall(page.text):
            form.setdefault(name, "")
        resp = _check(session.post(location, data=form, allow_redirects=False), 302)
        location = urljoin(target.shop + "/", resp.headers["Location"])
    if not LANDING:
        return urlsplit(location).path
    page = _check(session.get(location, allow_redirects=False), 200)
    return urlsplit(page.url).path


def kakao_login(session: requests.Session, target: Target) -> str:
    """The shop's Kakao button: login page, POST to the provider, Kakao, callback."""
    page = _check(session.get(f"{target.shop}/accounts/login/"), 200)
    resp = _check(
        session.post(
            f"{target.shop}/accounts/kakao/login/",
            data={"csrfmiddlewaretoken": _csrf(session, page.text), "process": "login"},
            headers={"Referer": f"{target.shop}/accounts/login/"},
            allow_redirects=False,
        ),
        302,
    )
    return _finish(session, target, _follow_kakao(session, target, resp.headers["Location"]))


def inapp_auto_login(session: requests.Session, target: Target) -> str:
    """Inside KakaoTalk: the Kakao-only page posts itself to Kakao with ``prompt=none``."""
    session.headers["User-Agent"] = KAKAOTALK_UA
    page = _check(session.get(f"{target.shop}/accounts/login/"), 200)
    action = re.search(r'<form method="post" action="([^"]+)" id="kakao-auto-login"', page.text)
    if not action:
        found = re.search(r'data-testid="([^"]+)"', page.text)
        raise FlowError(
            f"no automatic Kakao login on the in-app login page ({found and found.group(1)})"
        )
    url = urljoin(target.shop + "/", _unescape(action.group(1)))
    resp = _check(
        session.post(
            url,
            data={"csrfmiddlewaretoken": _csrf(session, page.text)},
            headers={"Referer": f"{target.shop}/accounts/login/"},
            allow_redirects=False,
        ),
        302,
    )
    location = resp.headers["Location"]
    if "prompt=none" not in location:
        raise FlowError("the automatic login did not ask Kakao with prompt=none")
    return _finish(session, target, _follow_kakao(session, target, location))


def store_id_login(session: requests.Session, target: Target, login: str, password: str) -> str:
    """Store ID and password, checked by the partner's user-authentication webhook."""
    page = _check(session.get(f"{target.shop}/accounts/login/"), 200)
    resp = _check(
        session.post(
            f"{target.shop}/accounts/login/",
            data={
                "csrfmiddlewaretoken": _csrf(session, page.text),
                "login": login,
                "password": password,
            },
            headers={"Referer": f"{target.shop}/accounts/login/"},
            allow_redirects=False,
        ),
        302,
    )
    location = urljoin(target.shop + "/", resp.headers["Location"])
    page = _check(session.get(location, allow_redirects=False), 200)
    return urlsplit(page.url).path


def shop_logout(session: requests.Session) -> None:
    """Forget the shop's session; the Kakao sandbox's session stays, as in a browser."""
    for name in ("sessionid", "csrftoken"):
        session.cookies.pop(name, None)
    session.headers["User-Agent"] = BROWSER_UA
