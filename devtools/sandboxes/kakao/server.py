"""A Kakao-compatible HTTP server for development and tests (stdlib only, no Django).

It plays ``kauth.kakao.com`` and ``kapi.kakao.com`` on one port: the authorize page with
the Kakao Sync consent screen (profile items, the shop's service terms, the Talk Channel),
token, user/me, service terms, channels, unlink, logout, access_token_info, with Kakao's
error shapes (``KOE…`` codes on kauth, negative ``code`` on kapi). Its home page lists its
Kakao users and sends the unlink and channel webhooks and security events (SETs signed
with the sandbox's own RSA key, published at its JWKS) to the shop.

Apps: ``POST /sandbox/app/login`` is what Kakao's SDK does inside a native app (log in,
agree, get an ``OAuthToken`` with an OpenID Connect ID token signed with the same key, its
``aud`` the native app key); with ``app=other`` it hands out a token of another Kakao app
(token information answers that app's ID) and with ``signing=foreign`` an ID token signed
with a key Kakao never published. OIDC discovery is at ``/.well-known/openid-configuration``.
"""

from __future__ import annotations

import hmac
import html
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..faults import PATH as FAULTS_PATH
from ..faults import FaultSwitch
from .state import (
    CONSENT_ITEMS,
    EVENT_TYPES,
    REFERRER_TYPES,
    REQUIRED_ITEMS,
    SandboxConfig,
    SandboxState,
)

logger = logging.getLogger("devtools.sandboxes.kakao")

SESSION_COOKIE = "kakao_sandbox_session"
BROWSER_PATHS = {"/", "/oauth/authorize", "/oauth/authorize/consent"}
ITEM_LABELS = {
    "profile_nickname": "Nickname (닉네임)",
    "profile_image": "Profile picture (프로필 사진)",
    "account_email": "Email (카카오계정 이메일)",
    "name": "Name (이름)",
    "phone_number": "Phone number (전화번호)",
    "birthday": "Birthday (생일)",
    "birthyear": "Year of birth (출생 연도)",
    "gender": "Gender (성별)",
    "age_range": "Age range (연령대)",
}

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Kakao sandbox</title>
<style>body{{font-family:sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}}
.kakao{{background:#fee500;border:0;padding:.7rem 1.2rem;border-radius:6px;font-weight:bold}}
.muted{{color:#666}} fieldset{{margin:1rem 0}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ddd;padding:.3rem .5rem;text-align:left}} .err{{color:#b00}}</style>
</head><body><p class="muted">Kakao sandbox (not Kakao)</p><h1>{title}</h1>{body}</body></html>"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def send_webhook(
    url: str, *, admin_key: str, params: dict[str, str], method: str = "POST", timeout: float = 5
) -> tuple[int, str]:
    """Deliver one webhook the way Kakao does (admin key header, form parameters)."""
    if not url.startswith(("http://", "https://")):
        return 0, "the shop URL must be http(s)"
    data = urllib.parse.urlencode(params)
    headers = {"Authorization": f"KakaoAK {admin_key}", "User-Agent": "Kakao-Sandbox-Webhook"}
    if method == "GET":
        request = urllib.request.Request(f"{url}?{data}", headers=headers, method="GET")  # noqa: S310
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 - http(s) checked above
            url, data=data.encode(), headers=headers, method="POST"
        )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - http(s) checked above
            return resp.status, resp.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(500).decode("utf-8", "replace")
    except OSError as exc:
        return 0, f"{type(exc).__name__}: {exc}"


class KakaoSandboxHandler(BaseHTTPRequestHandler):
    server: KakaoSandboxServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write (flushed after each request): with keep-alive,
    # two small writes meet the client's delayed ACK and cost ~40 ms per call.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    # --- plumbing ---------------------------------------------------------------------

    @property
    def state(self) -> SandboxState:
        return self.server.state

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _query(self) -> dict[str, str]:
        query = urllib.parse.urlsplit(self.path).query
        return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))

    def _form(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(self._body, keep_blank_values=True)

    def _params(self) -> dict[str, str]:
        params = self._query()
        if self.command == "POST":
            params.update({k: v[-1] for k, v in self._form().items()})
        return params

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json;charset=UTF-8")

    def _html(self, status: int, title: str, body: str, headers: dict[str, str] | None = None):
        page = PAGE.format(title=_e(title), body=body).encode()
        self._send(status, page, "text/html; charset=utf-8", headers)

    def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
        self._send(302, b"", "text/plain", {"Location": location, **(headers or {})})

    def _kauth_error(self, status: int, error: str, description: str, code: str) -> None:
        self._json(status, {"error": error, "error_description": description, "error_code": code})

    def _kapi_error(self, status: int, code: int, msg: str) -> None:
        self._json(status, {"msg": msg, "code": code})

    def _cookie_session(self) -> str | None:
        cookie = SimpleCookie(self.headers.get("Cookie") or "")
        morsel = cookie.get(SESSION_COOKIE)
        return morsel.value if morsel else None

    def _bearer_user(self) -> int | None:
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            self._kapi_error(401, -401, "this access token does not exist")
            return None
        token = self.state.token_user(auth[len("Bearer ") :].strip())
        if token is None:
            self._kapi_error(401, -401, "this access token does not exist")
            return None
        return token.user_id

    def _admin_key_ok(self) -> bool:
        auth = self.headers.get("Authorization") or ""
        given = auth[len("KakaoAK ") :].strip() if auth.startswith("KakaoAK ") else ""
        return bool(given) and hmac.compare_digest(given, self.state.config.admin_key)

    # --- routing ----------------------------------------------------------------------

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def _route(self) -> None:
        # Read the whole body first: on a kept-alive connection an unread body would be
        # taken for the next request.
        length = int(self.headers.get("Content-Length") or 0)
        self._body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        path = urllib.parse.urlsplit(self.path).path
        routes = {
            ("GET", "/"): self.home,
            ("GET", "/oauth/authorize"): self.authorize,
            ("POST", "/sandbox/login"): self.sandbox_login,
            ("POST", "/sandbox/logout"): self.sandbox_logout,
            ("POST", "/oauth/authorize/consent"): self.consent,
            ("POST", "/oauth/token"): self.token,
            ("GET", "/v2/user/me"): self.user_me,
            ("POST", "/v2/user/me"): self.user_me,
            ("GET", "/v2/user/service_terms"): self.service_terms,
            ("POST", "/v2/user/revoke/service_terms"): self.revoke_terms,
            ("GET", "/v1/api/talk/channels"): self.channels_v1,
            ("GET", "/v2/api/talk/channels"): self.channels_v2,
            ("POST", "/v1/user/unlink"): self.unlink,
            ("POST", "/v1/user/logout"): self.logout,
            ("GET", "/v1/user/access_token_info"): self.token_info,
            ("POST", "/sandbox/webhooks/unlink"): self.ui_send_unlink,
            ("POST", "/sandbox/webhooks/channel"): self.ui_send_channel,
            ("GET", "/sandbox/state"): self.state_json,
            ("GET", "/.well-known/ssf-configuration"): self.ssf_configuration,
            ("GET", "/.well-known/jwks.json"): self.jwks,
            ("GET", "/.well-known/openid-configuration"): self.openid_configuration,
            ("POST", "/sandbox/app/login"): self.app_login,
            ("GET", "/v1/oidc/userinfo"): self.oidc_userinfo,
            ("POST", "/sandbox/events"): self.ui_send_event,
        }
        if path == FAULTS_PATH:
            self.server.faults.control(self, self._body.encode())
            return
        method = "GET" if self.command == "HEAD" else self.command
        handler = routes.get((method, path))
        if handler is None:
            if any(p == path for (_m, p) in routes):
                self._kapi_error(405, -3, "method not allowed")
            else:
                self._kapi_error(404, -3, "unknown API")
            return
        if self.state.config.latency_ms and not path.startswith("/sandbox/") and path != "/":
            time.sleep(self.state.config.latency_ms / 1000)
        # Faults hit the shop's server-to-server calls, not the pages a browser opens.
        server_call = path not in BROWSER_PATHS and not path.startswith("/sandbox/")
        if server_call and self.server.faults.intercept(self):
            return
        try:
            handler()
        except Exception:  # the sandbox must keep serving whatever one request did
            logger.exception("sandbox error on %s", path)
            self._kapi_error(500, -1, "internal error (sandbox)")

    # --- pages ------------------------------------------------------------------------

    def home(self) -> None:
        cfg = self.state.config
        rows = []
        with self.state.lock:
            for person in self.state.people.values():
                link = self.state.links.get(person.id)
                actions = ""
                if link:
                    options = "".join(f"<option>{r}</option>" for r in REFERRER_TYPES)
                    actions = (
                        f'<form method="post" action="/sandbox/webhooks/unlink">'
                        f'<input type="hidden" name="user_id" value="{person.id}">'
                        f'<select name="referrer_type">{options}</select> '
                        f'<button type="submit" data-testid="send-unlink-{person.id}">'
                        f"Unlink &amp; send webhook</button></form>"
                    )
                    events = "".join(f"<option>{_e(name)}</option>" for name in EVENT_TYPES)
                    actions += (
                        f'<form method="post" action="/sandbox/events">'
                        f'<input type="hidden" name="user_id" value="{person.id}">'
                        f'<select name="event" data-testid="event-type-{person.id}">{events}'
                        f'</select> <input name="scopes" placeholder="scopes / term tags" '
                        f'data-testid="event-scopes-{person.id}"> '
                        f'<button type="submit" data-testid="send-event-{person.id}">'
                        f"Send security event</button></form>"
                    )
                    for public_id in sorted(self.state.channels) or []:
                        for event in ("added", "blocked"):
                            actions += (
                                f'<form method="post" action="/sandbox/webhooks/channel">'
                                f'<input type="hidden" name="user_id" value="{person.id}">'
                                f'<input type="hidden" name="channel_public_id" '
                                f'value="{_e(public_id)}">'
                                f'<input type="hidden" name="event" value="{event}">'
                                f'<button type="submit">Channel {_e(public_id)}: {event}'
                                f"</button></form>"
                            )
                rows.append(
                    f"<tr><td>{person.id}</td><td>{_e(person.nickname)}</td>"
                    f"<td>{_e(person.email or '—')}</td>"
                    f"<td>{'linked' if link else '—'}</td><td>{actions}</td></tr>"
                )
            log = "".join(
                f"<li>{_e(entry['event'])} user {_e(entry['user_id'])}: {_e(entry['status'])}</li>"
                for entry in reversed(self.state.webhook_log[-10:])
            )
        body = (
            "<p>Enter these values in the shop's admin: Kakao provider (social login) and "
            "Kakao Sync.</p><table>"
            f"<tr><th>App ID</th><td><code>{cfg.app_id}</code></td></tr>"
            f"<tr><th>REST API key</th><td><code>{_e(cfg.rest_api_key or '(any)')}</code></td></tr>"
            f"<tr><th>Client secret</th><td><code>{_e(cfg.client_secret or '(off)')}</code>"
            "</td></tr>"
            f"<tr><th>Admin key</th><td><code>{_e(cfg.admin_key)}</code></td></tr>"
            f"<tr><th>Shop</th><td><code>{_e(cfg.shop_url)}</code></td></tr></table>"
            "<h2>Kakao users</h2><table><tr><th>id</th><th>nickname</th><th>email</th>"
            f"<th>app</th><th></th></tr>{''.join(rows)}</table>"
            f"<h2>Webhooks sent</h2><ul data-testid='webhook-log'>{log}</ul>"
        )
        self._html(200, "Kakao sandbox", body)

    def state_json(self) -> None:
        with self.state.lock:
            payload = {
                "links": {
                    str(uid): {
                        "scopes": sorted(link.scopes),
                        "terms": link.terms,
                        "synched_at": link.synched_at,
                    }
                    for uid, link in self.state.links.items()
                },
                "webhooks": list(self.state.webhook_log),
            }
        self._json(200, payload)

    def _authorize_error_page(self, code: str, message: str) -> None:
        self._html(
            400, f"Error {code}", f'<p class="err" data-testid="koe">{code}: {_e(message)}</p>'
        )

    def authorize(self) -> None:
        q = self._query()
        cfg = self.state.config
        client_id = q.get("client_id", "")
        redirect_uri = q.get("redirect_uri", "")
        if not client_id or (cfg.rest_api_key and client_id != cfg.rest_api_key):
            self._authorize_error_page("KOE101", "invalid client_id (REST API key)")
            return
        if not redirect_uri.startswith(("http://", "https://")):
            self._authorize_error_page("KOE006", "redirect_uri is not registered")
            return
        if q.get("response_type") != "code":
            self._authorize_error_page("KOE205", "response_type must be code")
            return
        channel_ids = [c for c in q.get("channel_public_id", "").split(",") if c][:2]
        person = self.state.session_person(self._cookie_session())
        prompt = set(q.get("prompt", "").split(","))
        if "none" in prompt:
            if person is None:
                self._back(redirect_uri, q, error="login_required", desc="user is not logged in")
            elif person.id not in self.state.links or self._pending(person.id, q):
                self._back(redirect_uri, q, error="consent_required", desc="consent required")
            else:
                self._code(redirect_uri, q, person.id)
            return
        if person is None or "login" in prompt or "select_account" in prompt:
            self._login_page(q)
            return
        if person.id in self.state.links and not self._pending(person.id, q):
            self._code(redirect_uri, q, person.id)
            return
        self._consent_page(q, person.id, channel_ids)

    def _requested_items(self, q: dict[str, str]) -> list[str]:
        scope = [s for s in q.get("scope", "").replace(" ", ",").split(",") if s]
        items = [s for s in scope if s in CONSENT_ITEMS] or list(CONSENT_ITEMS)
        return list(dict.fromkeys([*REQUIRED_ITEMS, *items]))

    def _terms(self, q: dict[str, str]) -> list[str]:
        return [t for t in q.get("service_terms", "").split(",") if t]

    def _pending(self, user_id: int, q: dict[str, str]) -> bool:
        """Does this request ask for something the user has not answered yet?

        As at Kakao: a login without ``scope`` asks again only for new service terms;
        optional items once declined are asked for only when ``scope`` names them.
        """
        link = self.state.links[user_id]
        person = self.state.people[user_id]
        explicit = [s for s in q.get("scope", "").replace(" ", ",").split(",") if s]
        for item in explicit:
            field = CONSENT_ITEMS.get(item)
            if field is None or item in link.scopes:
                continue
            if field in ("profile", "profile_image") or person.value_of(field):
                return True
        return any(tag not in link.terms for tag in self._terms(q))

    def _back(self, redirect_uri: str, q: dict[str, str], **kwargs: str) -> None:
        params = {}
        if "code" in kwargs:
            params["code"] = kwargs["code"]
        else:
            params["error"] = kwargs["error"]
            params["error_description"] = kwargs["desc"]
        if q.get("state"):
            params["state"] = q["state"]
        sep = "&" if "?" in redirect_uri else "?"
        self._redirect(redirect_uri + sep + urllib.parse.urlencode(params))

    def _code(self, redirect_uri: str, q: dict[str, str], user_id: int) -> None:
        code = self.state.issue_code(q["client_id"], redirect_uri, user_id)
        self._back(redirect_uri, q, code=code)

    def _hidden(self, q: dict[str, str]) -> str:
        return "".join(
            f'<input type="hidden" name="{_e(k)}" value="{_e(v)}">' for k, v in q.items()
        )

    def _login_page(self, q: dict[str, str], error: str = "") -> None:
        options = "".join(
            f'<p><label><input type="radio" name="person" value="{p.id}"'
            f"{' checked' if i == 0 else ''}> {_e(p.nickname)} "
            f"<span class='muted'>{_e(p.email or 'no email')}</span></label></p>"
            for i, p in enumerate(self.state.people.values())
        )
        q = {k: v for k, v in q.items() if k != "prompt" or v != "login"}
        back = "/oauth/authorize?" + urllib.parse.urlencode(q)
        body = (
            (f'<p class="err">{_e(error)}</p>' if error else "")
            + '<form method="post" action="/sandbox/login">'
            f'<input type="hidden" name="next" value="{_e(back)}">'
            f"<fieldset><legend>Log in to Kakao as</legend>{options}"
            '<p><label><input type="radio" name="person" value="new"> A new Kakao account: '
            '</label><input name="nickname" placeholder="nickname" aria-label="nickname"> '
            '<input name="email" type="email" placeholder="email" aria-label="email"></p>'
            "</fieldset>"
            '<button class="kakao" type="submit" data-testid="kakao-login">Log in</button></form>'
        )
        self._html(200, "Kakao account", body)

    def sandbox_login(self) -> None:
        form = {k: v[-1] for k, v in self._form().items()}
        next_url = form.get("next", "/")
        if not next_url.startswith("/"):
            next_url = "/"
        choice = form.get("person", "")
        if choice == "new":
            nickname = form.get("nickname", "").strip()
            if not nickname:
                self._html(400, "Kakao account", '<p class="err">Enter a nickname.</p>')
                return
            person = self.state.add_person(nickname[:40], form.get("email", "").strip()[:100])
        elif choice.isdigit() and int(choice) in self.state.people:
            person = self.state.people[int(choice)]
        else:
            self._html(400, "Kakao account", '<p class="err">Choose an account.</p>')
            return
        sid = self.state.login(person.id)
        self._redirect(
            next_url, {"Set-Cookie": f"{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax"}
        )

    def sandbox_logout(self) -> None:
        self._redirect(
            "/", {"Set-Cookie": f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"}
        )

    def _consent_page(
        self, q: dict[str, str], user_id: int, channel_ids: list[str], error: str = ""
    ) -> None:
        person = self.state.people[user_id]
        link = self.state.links.get(user_id)
        items = []
        for item in self._requested_items(q):
            field = CONSENT_ITEMS[item]
            if field not in ("profile", "profile_image") and not person.value_of(field):
                continue
            required = item in REQUIRED_ITEMS
            done = link is not None and item in link.scopes
            items.append(
                f'<p><label><input type="checkbox" name="item" value="{item}" checked'
                f"{' disabled' if required or done else ''} data-testid='item-{item}'> "
                f"{'[required] ' if required else '[optional] '}{_e(ITEM_LABELS[item])}"
                "</label></p>"
            )
            if required or done:
                items.append(f'<input type="hidden" name="item" value="{item}">')
        terms = []
        for tag in self._terms(q):
            if link is not None and tag in link.terms and link.terms[tag]["agreed"]:
                continue
            required = tag in self.server.required_terms(q)
            terms.append(
                f'<p><label><input type="checkbox" name="term" value="{_e(tag)}"'
                f" data-testid='term-{_e(tag)}'> {'[required]' if required else '[optional]'} "
                f"{_e(tag)}</label></p>"
            )
        channels = "".join(
            f'<p><label><input type="checkbox" name="channel" value="{_e(c)}" '
            f"data-testid='channel-{_e(c)}'> Add Kakao Talk Channel {_e(c)} "
            f"(채널 추가)</label></p>"
            for c in channel_ids
        )
        body = (
            (f'<p class="err" data-testid="consent-error">{_e(error)}</p>' if error else "")
            + f"<p>{_e(person.nickname)}, the shop asks for your consent.</p>"
            '<form method="post" action="/oauth/authorize/consent">'
            + self._hidden(q)
            + f"<fieldset><legend>Profile information</legend>{''.join(items)}</fieldset>"
            + (
                f"<fieldset><legend>Service terms</legend>{''.join(terms)}</fieldset>"
                if terms
                else ""
            )
            + (
                f"<fieldset><legend>Kakao Talk Channel</legend>{channels}</fieldset>"
                if channels
                else ""
            )
            + '<button class="kakao" type="submit" name="action" value="agree" '
            'data-testid="kakao-agree">Agree and continue</button> '
            '<button type="submit" name="action" value="cancel" data-testid="kakao-cancel">'
            "Cancel</button></form>"
        )
        self._html(200, "Kakao consent", body)

    def consent(self) -> None:
        form = self._form()
        q = {k: v[-1] for k, v in form.items() if k not in {"item", "term", "channel", "action"}}
        cfg = self.state.config
        person = self.state.session_person(self._cookie_session())
        redirect_uri = q.get("redirect_uri", "")
        if (
            person is None
            or (cfg.rest_api_key and q.get("client_id") != cfg.rest_api_key)
            or not redirect_uri.startswith(("http://", "https://"))
        ):
            self._authorize_error_page("KOE101", "the consent form lost its session; start again")
            return
        if (form.get("action") or [""])[-1] == "cancel":
            self._back(redirect_uri, q, error="access_denied", desc="User denied access")
            return
        tags = self._terms(q)
        agreed_terms = {t for t in form.get("term", []) if t in tags}
        required_terms = self.server.required_terms(q)
        link = self.state.links.get(person.id)
        already = {t for t in tags if link and link.terms.get(t, {}).get("agreed")}
        missing = [t for t in tags if t in required_terms and t not in agreed_terms | already]
        channel_ids = [c for c in q.get("channel_public_id", "").split(",") if c][:2]
        if missing:
            self._consent_page(
                q, person.id, channel_ids, error="Agree to every required term to continue."
            )
            return
        scopes = {i for i in form.get("item", []) if i in CONSENT_ITEMS} | set(REQUIRED_ITEMS)
        self.state.agree(
            person.id,
            scopes,
            {t: (t in required_terms, t in agreed_terms or t in already) for t in tags},
            {c: c in form.get("channel", []) for c in channel_ids},
        )
        self._code(redirect_uri, q, person.id)

    # --- kauth ------------------------------------------------------------------------

    def token(self) -> None:
        p = self._params()
        cfg = self.state.config
        if p.get("grant_type") != "authorization_code":
            self._kauth_error(400, "unsupported_grant_type", "grant_type unsupported", "KOE004")
        elif not p.get("client_id") or (cfg.rest_api_key and p["client_id"] != cfg.rest_api_key):
            self._kauth_error(401, "invalid_client", "Not exist client_id", "KOE101")
        elif cfg.client_secret and not hmac.compare_digest(
            p.get("client_secret", ""), cfg.client_secret
        ):
            self._kauth_error(401, "invalid_client", "Bad client credentials", "KOE010")
        else:
            grant = self.state.take_code(p.get("code", ""))
            if grant is None or grant.client_id != p["client_id"]:
                self._kauth_error(
                    400, "invalid_grant", "authorization code not found for code", "KOE320"
                )
            elif grant.redirect_uri != p.get("redirect_uri"):
                self._kauth_error(400, "invalid_grant", "redirect_uri mismatched", "KOE303")
            else:
                access, refresh = self.state.issue_token(grant.user_id)
                link = self.state.links[grant.user_id]
                self._json(
                    200,
                    {
                        "token_type": "bearer",
                        "access_token": access,
                        "expires_in": cfg.token_ttl,
                        "refresh_token": refresh,
                        "refresh_token_expires_in": 5183999,
                        "scope": " ".join(sorted(link.scopes)),
                    },
                )

    # --- kapi -------------------------------------------------------------------------

    def user_me(self) -> None:
        user_id = self._bearer_user()
        if user_id is not None:
            self._json(200, self.state.user_me(user_id))

    def _admin_or_bearer_user(self) -> int | None:
        """Kakao's server-side calls: the admin key with ``target_id_type=user_id``."""
        if not (self.headers.get("Authorization") or "").startswith("KakaoAK "):
            return self._bearer_user()
        params = self._params()
        target = params.get("target_id", "")
        if not self._admin_key_ok():
            self._kapi_error(401, -401, "wrong admin key")
            return None
        if params.get("target_id_type") != "user_id" or not target.isdigit():
            self._kapi_error(400, -2, "target_id_type=user_id and target_id are required")
            return None
        if int(target) not in self.state.links:
            self._kapi_error(400, -101, "not registered user")
            return None
        return int(target)

    def service_terms(self) -> None:
        user_id = self._admin_or_bearer_user()
        if user_id is None:
            return
        wanted = [t for t in self._query().get("tags", "").split(",") if t]
        with self.state.lock:
            terms = list(self.state.links[user_id].terms.values())
        if wanted:
            terms = [t for t in terms if t["tag"] in wanted]
        self._json(200, {"id": user_id, "service_terms": terms})

    def revoke_terms(self) -> None:
        user_id = self._admin_or_bearer_user()
        if user_id is None:
            return
        tags = [t for t in self._params().get("tags", "").split(",") if t]
        if not tags:
            self._kapi_error(400, -2, "tags is required")
            return
        revoked = []
        with self.state.lock:
            terms = self.state.links[user_id].terms
            for tag in tags:
                term = terms.get(tag)
                if term is None or not term["revocable"]:
                    self._kapi_error(400, -2, f"{tag} is not a revocable agreed term")
                    return
            for tag in tags:
                terms[tag].update({"agreed": False, "agreed_at": None, "agreed_by": "KAPI"})
                revoked.append({"tag": tag, "agreed": False})
        self._json(200, {"id": user_id, "revoked_service_terms": revoked})

    def _channel_list(self, user_id: int, public_ids: list[str]) -> None:
        channels = []
        for public_id in public_ids:
            relation, updated = self.state.relation(public_id, user_id)
            item: dict[str, Any] = {
                "channel_uuid": f"@uuid-{public_id}",
                "channel_public_id": public_id,
                "relation": relation,
            }
            if updated:
                item["updated_at"] = updated
            channels.append(item)
        self._json(200, {"user_id": user_id, "channels": channels})

    def channels_v1(self) -> None:
        user_id = self._bearer_user()
        if user_id is not None:
            with self.state.lock:
                ids = sorted(self.state.channels)
            self._channel_list(user_id, ids)

    def channels_v2(self) -> None:
        user_id = self._bearer_user()
        if user_id is None:
            return
        q = self._query()
        ids = [c for c in q.get("channel_ids", "").split(",") if c]
        if q.get("channel_id_type") != "channel_public_id" or not ids:
            self._kapi_error(400, -2, "channel_ids and channel_id_type=channel_public_id required")
            return
        self._channel_list(user_id, ids)

    def unlink(self) -> None:
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("KakaoAK "):
            if not self._admin_key_ok():
                self._kapi_error(401, -401, "wrong admin key")
                return
            p = self._params()
            if p.get("target_id_type") != "user_id" or not p.get("target_id", "").isdigit():
                self._kapi_error(400, -2, "target_id_type=user_id and target_id required")
                return
            user_id = int(p["target_id"])
            if not self.state.unlink(user_id):
                self._kapi_error(400, -101, "not registered user")
                return
        else:
            found = self._bearer_user()
            if found is None:
                return
            user_id = found
            self.state.unlink(user_id)
        # Kakao does not send the unlink webhook for an unlink the app asked for itself.
        self._json(200, {"id": user_id})

    def logout(self) -> None:
        user_id = self._bearer_user()
        if user_id is not None:
            self.state.drop_tokens(user_id)
            self._json(200, {"id": user_id})

    def token_info(self) -> None:
        auth = self.headers.get("Authorization") or ""
        token = self.state.token_user(auth[len("Bearer ") :].strip()) if auth else None
        if token is None:
            self._kapi_error(401, -401, "this access token does not exist")
            return
        self._json(
            200,
            {
                "id": token.user_id,
                "expires_in": max(0, int(token.expires - time.monotonic())),
                "app_id": self.state.config.app_id if token.app_id is None else token.app_id,
            },
        )

    # --- native apps (Kakao's SDK) and OpenID Connect ----------------------------------

    def openid_configuration(self) -> None:
        base = self.server.base_url
        self._json(
            200,
            {
                "issuer": base,
                "authorization_endpoint": base + "/oauth/authorize",
                "token_endpoint": base + "/oauth/token",
                "userinfo_endpoint": base + "/v1/oidc/userinfo",
                "jwks_uri": base + "/.well-known/jwks.json",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "request_uri_parameter_supported": False,
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": [
                    "iss",
                    "aud",
                    "sub",
                    "auth_time",
                    "exp",
                    "iat",
                    "nonce",
                    "nickname",
                    "picture",
                    "email",
                ],
            },
        )

    def oidc_userinfo(self) -> None:
        user_id = self._bearer_user()
        if user_id is None:
            return
        body = self.state.user_me(user_id)
        account = body.get("kakao_account") or {}
        assert isinstance(account, dict)
        info: dict[str, Any] = {"sub": str(user_id)}
        profile = account.get("profile") or {}
        if isinstance(profile, dict) and profile.get("nickname"):
            info["nickname"] = profile["nickname"]
        if account.get("email"):
            info.update({"email": account["email"], "email_verified": True})
        self._json(200, info)

    def app_login(self) -> None:
        """Kakao's SDK in a native app: the person logs in and agrees; the app gets tokens.

        Form: ``person``, ``client_id`` (the native app key by default), ``nonce``,
        ``items`` and ``terms`` (comma-separated; the required items are always agreed),
        ``channels``, ``app`` (``own`` or ``other``), ``signing`` (``own`` or
        ``foreign``), ``ttl`` (the ID token's lifetime, negative for an expired one).
        """
        p = self._params()
        cfg = self.state.config
        person_id = p.get("person", "")
        if not person_id.isdigit() or int(person_id) not in self.state.people:
            self._kauth_error(400, "invalid_request", "unknown person", "KOE006")
            return
        user_id = int(person_id)
        other = p.get("app") == "other"
        client_id = p.get("client_id") or (cfg.other_app_key if other else cfg.native_app_key)
        if not other and client_id not in {cfg.native_app_key, cfg.rest_api_key}:
            self._kauth_error(401, "invalid_client", "Not exist client_id", "KOE101")
            return
        items = {i for i in p.get("items", "profile_nickname,account_email").split(",") if i}
        items |= set(REQUIRED_ITEMS)
        if other:
            access = self.state.issue_foreign_token(user_id)
            refresh = ""
        else:
            tags = [t for t in p.get("terms", "").split(",") if t]
            required = {t for t, req in cfg.service_terms.items() if req}
            channels = [c for c in p.get("channels", "").split(",") if c]
            self.state.agree(
                user_id,
                items,
                {t: (t in required, True) for t in tags},
                {c: True for c in channels},
            )
            access, refresh = self.state.issue_token(user_id)
        person = self.state.people[user_id]
        now = int(time.time())
        ttl = int(p.get("ttl") or 43199)
        claims: dict[str, Any] = {
            "iss": self.server.base_url,
            "aud": client_id,
            "sub": str(user_id),
            "iat": now,
            "auth_time": now,
            "exp": now + ttl,
            "nickname": person.nickname,
        }
        if p.get("nonce"):
            claims["nonce"] = p["nonce"]
        if "account_email" in items and person.email:
            claims["email"] = person.email
        self._json(
            200,
            {
                "token_type": "bearer",
                "access_token": access,
                "expires_in": cfg.token_ttl,
                "refresh_token": refresh,
                "refresh_token_expires_in": 5183999,
                "scope": " ".join(sorted(items | {"openid"})),
                "id_token": self.server.sign_id_token(
                    claims, foreign=p.get("signing") == "foreign"
                ),
            },
        )

    # --- security events (Shared Signals) ------------------------------------------------

    def ssf_configuration(self) -> None:
        base = self.server.base_url
        self._json(
            200,
            {
                "issuer": base,
                "jwks_uri": base + "/.well-known/jwks.json",
                "delivery_methods_supported": ["urn:ietf:rfc:8935"],
                "events_supported": sorted(EVENT_TYPES.values()),
            },
        )

    def jwks(self) -> None:
        self._json(200, {"keys": [self.server.public_jwk]})

    def ui_send_event(self) -> None:
        form = {k: v[-1] for k, v in self._form().items()}
        user_id = form.get("user_id", "")
        event = form.get("event", "")
        if not user_id.isdigit() or event not in EVENT_TYPES:
            self._html(400, "Security event", '<p class="err">Bad user or event type.</p>')
            return
        tags = [t for t in form.get("scopes", "").replace(",", " ").split() if t]
        status, _text, token = self.server.send_security_event(
            int(user_id), event, {"scopes": tags} if tags else None
        )
        if (self.headers.get("Accept") or "").startswith("application/json"):
            self._json(200, {"status": status, "token": token})
        else:
            self._redirect("/")

    # --- webhooks the sandbox sends (buttons on its home page) -------------------------

    def ui_send_unlink(self) -> None:
        form = {k: v[-1] for k, v in self._form().items()}
        user_id = form.get("user_id", "")
        referrer = form.get("referrer_type", "UNLINK_FROM_APPS")
        if not user_id.isdigit() or referrer not in REFERRER_TYPES:
            self._html(400, "Webhook", '<p class="err">Bad user or referrer type.</p>')
            return
        self.server.send_unlink_webhook(
            int(user_id), referrer, group_user_token=form.get("group_user_token", "")[:200]
        )
        self._redirect("/")

    def ui_send_channel(self) -> None:
        form = {k: v[-1] for k, v in self._form().items()}
        user_id = form.get("user_id", "")
        event = form.get("event", "")
        public_id = form.get("channel_public_id", "")
        if not user_id.isdigit() or event not in {"added", "blocked"} or not public_id:
            self._html(400, "Webhook", '<p class="err">Bad channel event.</p>')
            return
        self.server.send_channel_webhook(int(user_id), public_id, event)
        self._redirect("/")


class KakaoSandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default listen backlog (5) resets connections when many logins arrive at once.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], config: SandboxConfig | None = None) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        self.state = SandboxState(config or SandboxConfig())
        self.faults = FaultSwitch()
        # The sandbox's own signing key: its JWKS publishes the public half, as Kakao's does.
        self.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_kid = uuid.uuid4().hex[:12]
        self.public_jwk = {
            **json.loads(RSAAlgorithm.to_jwk(self.signing_key.public_key())),
            "kid": self.signing_kid,
            "use": "sig",
            "alg": "RS256",
        }
        super().__init__(address, KakaoSandboxHandler)

    def sign_set(self, claims: dict[str, Any], *, typ: str = "secevent+jwt") -> str:
        import jwt

        return jwt.encode(
            claims,
            self.signing_key,
            algorithm="RS256",
            headers={"kid": self.signing_kid, "typ": typ},
        )

    def sign_id_token(self, claims: dict[str, Any], *, foreign: bool = False) -> str:
        """An OpenID Connect ID token; ``foreign``: signed with a key Kakao never published,
        under the kid of the published one."""
        import jwt
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if foreign
            else self.signing_key
        )
        return jwt.encode(
            claims, key, algorithm="RS256", headers={"kid": self.signing_kid, "typ": "JWT"}
        )

    def set_claims(
        self, user_id: int, event: str, payload: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A Security Event Token's claims as Kakao issues them (RFC 8417)."""
        return {
            "iss": self.base_url,
            "aud": self.state.config.rest_api_key or self.state.last_client_id,
            "iat": int(time.time()),
            "jti": uuid.uuid4().hex,
            "sub": str(user_id),
            "events": {EVENT_TYPES.get(event, event): payload or {}},
        }

    def push_set(self, token: str, timeout: float = 5) -> tuple[int, str]:
        """Push one SET to the shop (RFC 8935): the JWT is the body."""
        cfg = self.state.config
        url = cfg.shop_url.rstrip("/") + cfg.events_webhook_path
        request = urllib.request.Request(  # noqa: S310 - the shop URL is http(s) by config
            url,
            data=token.encode(),
            headers={
                "Content-Type": "application/secevent+jwt",
                "Accept": "application/json",
                "User-Agent": "Kakao-Sandbox-SET",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
                return resp.status, resp.read(500).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(500).decode("utf-8", "replace")
        except OSError as exc:
            return 0, f"{type(exc).__name__}: {exc}"

    def send_security_event(
        self, user_id: int, event: str, payload: dict[str, Any] | None = None
    ) -> tuple[int, str, str]:
        """Apply the event here as Kakao would, then push its SET; (status, body, token)."""
        if event in ("tokens-revoked", "user-unlinked"):
            self.state.unlink(user_id)
        elif event == "sessions-revoked":
            self.state.drop_tokens(user_id)
        elif event == "user-scope-withdraw" and payload:
            with self.state.lock:
                link = self.state.links.get(user_id)
                for tag in payload.get("scopes", []):
                    if link is not None and tag in link.terms:
                        link.terms[tag].update({"agreed": False, "agreed_at": None})
                    if link is not None:
                        link.scopes.discard(tag)
        token = self.sign_set(self.set_claims(user_id, event, payload))
        status, text = self.push_set(token)
        with self.state.lock:
            self.state.webhook_log.append(
                {"event": f"security event {event}", "user_id": user_id, "status": status}
            )
        return status, text, token

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"

    def required_terms(self, q: dict[str, str]) -> set[str]:
        """Which requested tags are required, from the app's terms (Kakao Developers keeps
        them in the app's settings; here ``SandboxConfig.service_terms``)."""
        tags = {t for t in q.get("service_terms", "").split(",") if t}
        return {t for t, required in self.state.config.service_terms.items() if required} & tags

    def send_unlink_webhook(
        self,
        user_id: int,
        referrer_type: str = "UNLINK_FROM_APPS",
        method: str = "POST",
        group_user_token: str = "",
    ) -> tuple[int, str]:
        """The user left the app at Kakao: unlink here, then tell the shop (apps of an app
        group also get the user's ``group_user_token``)."""
        self.state.unlink(user_id)
        cfg = self.state.config
        params = {
            "app_id": str(cfg.app_id),
            "user_id": str(user_id),
            "referrer_type": referrer_type,
        }
        if group_user_token:
            params["group_user_token"] = group_user_token
        status, text = send_webhook(
            cfg.shop_url.rstrip("/") + cfg.unlink_webhook_path,
            admin_key=cfg.admin_key,
            params=params,
            method=method,
        )
        with self.state.lock:
            self.state.webhook_log.append(
                {"event": f"unlink {referrer_type}", "user_id": user_id, "status": status}
            )
        return status, text

    def send_channel_webhook(self, user_id: int, public_id: str, event: str) -> tuple[int, str]:
        self.state.set_channel(public_id, user_id, "ADDED" if event == "added" else "BLOCKED")
        cfg = self.state.config
        status, text = send_webhook(
            cfg.shop_url.rstrip("/") + cfg.channel_webhook_path,
            admin_key=cfg.admin_key,
            params={
                "event": event,
                "id": str(user_id),
                "id_type": "app_user_id",
                "channel_public_id": public_id,
                "channel_uuid": f"@uuid-{public_id}",
                "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
        )
        with self.state.lock:
            self.state.webhook_log.append(
                {"event": f"channel {event}", "user_id": user_id, "status": status}
            )
        return status, text


def start_in_thread(
    config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> KakaoSandboxServer:
    """Serve on a background thread (tests: port 0 picks a free port); ``shutdown()`` stops."""
    server = KakaoSandboxServer((host, port), config)
    thread = threading.Thread(target=server.serve_forever, name="kakao-sandbox", daemon=True)
    thread.start()
    return server
