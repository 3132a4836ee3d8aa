"""The sandbox server: Kakao/Naver/Google/Facebook/Apple/LINE-shaped OAuth2 and OIDC.

Each provider lives under its own prefix (``/kakao``, ``/naver``…) with its real paths
below it, where ``SOCIALLOGIN_SANDBOX_URL`` sends the real origins. The
authorize page is a small consent form whose fields are the user the provider will report
(a tester or a browser test fills them in); "Cancel" answers like the real provider. Codes
are single-use and bound to the client ID and redirect URI; tokens answer the user
endpoints; ID tokens are RS256-signed with a key generated at start (served as Google's
PEM certificates and Apple's JWKS). The "answer" field makes the provider misbehave for
tests of bad provider answers: the user endpoint (no ID, wrong types, not JSON) and, for
the providers that read a signed ID token (Google, Apple), the ID token itself (not a JWT,
issued for another client, signed with a key the provider does not publish).
"""

from __future__ import annotations

import datetime
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

AUTHORIZE = {
    "kakao": "/oauth/authorize",
    "naver": "/oauth2.0/authorize",
    "google": "/o/oauth2/v2/auth",
    "facebook": "/dialog/oauth",  # after /vXX.X
    "apple": "/auth/authorize",
    "line": "/oauth2/v2.1/authorize",
}
TOKEN = {
    "kakao": "/oauth/token",
    "naver": "/oauth2.0/token",
    "google": "/token",
    "facebook": "/oauth/access_token",  # after /vXX.X
    "apple": "/auth/token",
    "line": "/oauth2/v2.1/token",
}
USER = {
    "kakao": "/v2/user/me",
    "naver": "/v1/nid/me",
    "google": "/oauth2/v2/userinfo",
    "facebook": "/me",  # after /vXX.X
    "line": "/v2/profile",
}
ISSUERS = {"google": "https://accounts.google.com", "apple": "https://appleid.apple.com"}
CANCEL_ERROR = {"apple": "user_cancelled_authorize"}


@dataclass
class Grant:
    provider: str
    client_id: str
    redirect_uri: str
    user: dict[str, str]
    nonce: str = ""
    used: bool = False
    created: float = field(default_factory=time.time)


class SandboxState:
    """Codes and tokens in memory; one instance per server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        # Every call to Apple's /auth/revoke, as received (tests assert on it), and the
        # status the next calls answer with (a test sets 503 to play an Apple outage).
        self.revocations: list[dict[str, Any]] = []
        self.revoke_status = 200
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        # Signs the "bad_signature" ID tokens: same kid, a key nobody publishes.
        self.rogue_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sociallogin sandbox")])
        now = datetime.datetime.now(datetime.UTC)
        self.cert_pem = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(self.key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
            .decode()
        )

    def jwk(self) -> dict[str, Any]:
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        data.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return data

    def id_token(self, grant: Grant) -> str:
        user = grant.user
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUERS.get(grant.provider, "https://sandbox.invalid"),
            "aud": grant.client_id,
            "sub": user.get("uid", ""),
            "iat": now,
            "exp": now + 600,
            "email": user.get("email", ""),
            "email_verified": user.get("email_verified") == "on",
        }
        if grant.provider != "apple":
            # Apple never puts the name in the ID token (it comes once, in the form post).
            claims["name"] = user.get("name", "")
        if grant.nonce:
            claims["nonce"] = grant.nonce
        if user.get("answer") == "no_id":
            claims.pop("sub")
        elif user.get("answer") == "wrong_types":
            claims["sub"] = {"nested": True}
        elif user.get("answer") == "foreign_id_token":
            claims["aud"] = "another-shops-client"
        elif user.get("answer") == "malformed_id_token":
            return "not-a-jwt"
        key = self.rogue_key if user.get("answer") == "bad_signature" else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})


def user_answer(provider: str, user: dict[str, str]) -> Any:
    """The user endpoint's answer in the provider's shape."""
    uid, name, email = user.get("uid", ""), user.get("name", ""), user.get("email", "")
    verified = user.get("email_verified") == "on"
    birthday, phone, gender = (
        user.get("birthday", ""),
        user.get("phone", ""),
        user.get("gender", ""),
    )
    answer: dict[str, Any]
    if provider == "kakao":
        account: dict[str, Any] = {"profile": {"nickname": name}}
        if email:
            account.update(
                email=email,
                is_email_verified=verified,
                is_email_valid=user.get("email_valid", "on") == "on",
            )
        if name:
            account["name"] = name
        if phone:
            account["phone_number"] = "+82 " + phone.lstrip("0")
        if birthday:
            account.update(
                birthyear=birthday[:4],
                birthday=birthday[5:7] + birthday[8:10],
                birthday_type="SOLAR",
            )
        if gender:
            account["gender"] = gender
        answer = {"id": int(uid) if uid.isdigit() else uid, "kakao_account": account}
    elif provider == "naver":
        inner: dict[str, Any] = {"id": uid, "name": name, "nickname": name}
        if email:
            inner["email"] = email
        if phone:
            inner["mobile"] = phone
        if birthday:
            inner.update(birthyear=birthday[:4], birthday=birthday[5:])
        if gender:
            inner["gender"] = gender[:1].upper()
        answer = {"resultcode": "00", "message": "success", "response": inner}
    elif provider == "facebook":
        answer = {"id": uid, "name": name, "email": email} if email else {"id": uid, "name": name}
    elif provider == "line":
        answer = {"userId": uid, "displayName": name}
    else:
        answer = {"id": uid, "sub": uid, "name": name, "email": email, "verified_email": verified}
    mode = user.get("answer", "ok")
    if mode == "no_id":
        target = answer.get("response", answer)
        for key in ("id", "userId", "sub"):
            target.pop(key, None)
    elif mode == "wrong_types":
        target = answer.get("response", answer)
        for key in ("id", "userId", "sub"):
            if key in target:
                target[key] = {"nested": True}
        if "kakao_account" in target:
            target["kakao_account"] = ["not", "an", "object"]
    return answer


CONSENT_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} sandbox</title><style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto}}
label{{display:block;margin:.4rem 0}} input,select{{width:100%}} .row{{display:flex;gap:.5rem}}
</style></head><body><h1>{title} (sandbox)</h1><p>Client <code>{client_id}</code> asks to log you
in. The fields are the user this provider will report.</p>
<form method="post" action="{consent}">{hidden}
<label>User ID <input name="uid" value="{uid}" data-testid="sandbox-uid"></label>
<label>Name <input name="name" value="Sandbox User" data-testid="sandbox-name"></label>
<label>Email <input name="email" value="user{uid}@example.com" data-testid="sandbox-email"></label>
<label><input type="checkbox" name="email_verified" checked style="width:auto"
 data-testid="sandbox-email-verified"> email verified</label>
<label><input type="checkbox" name="email_valid" checked style="width:auto">
 email valid (Kakao)</label>
<label>Phone <input name="phone" value="" data-testid="sandbox-phone"></label>
<label>Birthday <input name="birthday" value="" placeholder="YYYY-MM-DD"></label>
<label>Gender <select name="gender"><option value="">-</option><option>female</option>
<option>male</option></select></label>
<label>Answer <select name="answer" data-testid="sandbox-answer"><option value="ok">normal</option>
<option value="no_id">without a user ID</option><option value="wrong_types">wrong types</option>
<option value="not_json">not JSON</option>
<option value="malformed_id_token">ID token not a JWT (Google, Apple)</option>
<option value="foreign_id_token">ID token for another client (Google, Apple)</option>
<option value="bad_signature">ID token wrongly signed (Apple)</option></select></label>
<div class="row"><button name="decision" value="agree" data-testid="sandbox-agree">Agree</button>
<button name="decision" value="cancel" data-testid="sandbox-cancel">Cancel</button></div>
</form></body></html>"""


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    # --- plumbing ----------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json;charset=UTF-8")

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/html; charset=utf-8")

    def _redirect(self, url: str) -> None:
        self._send(HTTPStatus.FOUND, b"", "text/plain", {"Location": url})

    def _split(self) -> tuple[str, str, dict[str, str]]:
        parts = urlsplit(self.path)
        segments = parts.path.split("/", 2)
        provider = segments[1] if len(segments) > 1 else ""
        rest = "/" + (segments[2] if len(segments) > 2 else "")
        if provider == "facebook" and rest.startswith("/v"):
            rest = "/" + rest.split("/", 2)[2] if rest.count("/") >= 2 else rest
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return provider, rest, query

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}

    # --- routes ------------------------------------------------------------------------

    def do_GET(self) -> None:
        provider, path, query = self._split()
        if provider not in AUTHORIZE:
            if self.path in ("/", "/health"):
                self._json(200, {"ok": True, "providers": sorted(AUTHORIZE)})
            else:
                self._json(404, {"error": "not_found"})
            return
        if path == AUTHORIZE[provider]:
            self._authorize(provider, query)
        elif provider == "facebook" and path == TOKEN[provider]:
            self._token(provider, query)
        elif provider == "google" and path == "/oauth2/v1/certs":
            self._json(200, {self.server.state.kid: self.server.state.cert_pem})
        elif provider == "apple" and path == "/auth/keys":
            self._json(200, {"keys": [self.server.state.jwk()]})
        elif provider == "apple" and path == "/_revocations":
            with self.server.state.lock:
                self._json(200, {"revocations": list(self.server.state.revocations)})
        elif path == USER.get(provider):
            self._user(provider, query)
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        provider, path, _query = self._split()
        form = self._form()
        if provider in AUTHORIZE and path == "/_consent":
            self._consent(provider, form)
        elif provider in TOKEN and path == TOKEN[provider]:
            self._token(provider, form)
        elif provider == "apple" and path == "/auth/revoke":
            self._apple_revoke(form)
        elif provider == "line" and path == "/oauth2/v2.1/verify":
            self._json(400, {"error": "invalid_request"})
        else:
            self._json(404, {"error": "not_found"})

    def _authorize(self, provider: str, query: dict[str, str]) -> None:
        if not query.get("client_id") or not query.get("redirect_uri"):
            self._html(400, "<h1>client_id and redirect_uri are required</h1>")
            return
        keep = ("client_id", "redirect_uri", "state", "nonce", "response_mode")
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(query.get(k, ""))}">'
            for k in keep
        )
        page = CONSENT_PAGE.format(
            title=html.escape(provider.capitalize()),
            client_id=html.escape(query["client_id"]),
            consent=f"/{provider}/_consent",
            hidden=hidden,
            uid=str(10_000 + secrets.randbelow(89_999)),
        )
        self._html(200, page)

    def _consent(self, provider: str, form: dict[str, str]) -> None:
        redirect_uri, state = form.get("redirect_uri", ""), form.get("state", "")
        if form.get("decision") != "agree":
            params = {"error": CANCEL_ERROR.get(provider, "access_denied"), "state": state}
            params["error_description"] = "User denied access"
        else:
            code = secrets.token_urlsafe(16)
            user = {
                k: form.get(k, "")
                for k in (
                    "uid",
                    "name",
                    "email",
                    "email_verified",
                    "email_valid",
                    "phone",
                    "birthday",
                    "gender",
                    "answer",
                )
            }
            with self.server.state.lock:
                self.server.state.codes[code] = Grant(
                    provider, form.get("client_id", ""), redirect_uri, user, form.get("nonce", "")
                )
            params = {"code": code, "state": state}
            if provider == "apple":
                first, _sp, last = user["name"].partition(" ")
                params["user"] = json.dumps(
                    {"name": {"firstName": first, "lastName": last}, "email": user["email"]}
                )
        if provider == "apple":
            # Apple answers with response_mode=form_post: the browser POSTs to the shop.
            inputs = "".join(
                f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                for k, v in params.items()
            )
            self._html(
                200,
                f'<!DOCTYPE html><html><body onload="document.forms[0].submit()">'
                f'<form method="post" action="{html.escape(redirect_uri)}">{inputs}'
                f"<noscript><button>Continue</button></noscript></form></body></html>",
            )
            return
        sep = "&" if "?" in redirect_uri else "?"
        self._redirect(f"{redirect_uri}{sep}{urlencode(params)}")

    def _token(self, provider: str, form: dict[str, str]) -> None:
        code = form.get("code", "")
        with self.server.state.lock:
            grant = self.server.state.codes.get(code)
            if grant is None or grant.used or time.time() - grant.created > 600:
                self._json(400, {"error": "invalid_grant", "error_description": "bad or used code"})
                return
            if grant.client_id != form.get("client_id") or grant.redirect_uri != form.get(
                "redirect_uri"
            ):
                self._json(400, {"error": "invalid_client", "error_description": "mismatch"})
                return
            grant.used = True
            token = secrets.token_urlsafe(24)
            self.server.state.tokens[token] = grant
            refresh_token = secrets.token_urlsafe(24)
            self.server.state.refresh_tokens[refresh_token] = grant
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": refresh_token,
        }
        if provider in ("google", "apple"):
            answer["id_token"] = self.server.state.id_token(grant)
        self._json(200, answer)

    def _apple_revoke(self, form: dict[str, str]) -> None:
        """Apple's token revocation: client_id, an ES256 client_secret JWT for that client,
        the token and its type hint. Like Apple, 200 also for a token not (or no longer)
        valid. The secret's signature is not checked: the sandbox does not hold the shop's
        public key; its header and claims are."""
        state = self.server.state
        client_id, token = form.get("client_id", ""), form.get("token", "")
        record: dict[str, Any] = {
            "client_id": client_id,
            "token": token,
            "token_type_hint": form.get("token_type_hint", ""),
        }
        error = ""
        try:
            header = jwt.get_unverified_header(form.get("client_secret", ""))
            claims = jwt.decode(form.get("client_secret", ""), options={"verify_signature": False})
            record["client_secret"] = {"header": header, "claims": claims}
            if (
                header.get("alg") != "ES256"
                or not header.get("kid")
                or claims.get("sub") != client_id
                or claims.get("aud") != ISSUERS["apple"]
                or not claims.get("iss")
            ):
                error = "invalid_client"
        except jwt.PyJWTError:
            error = "invalid_client"
        if not token and not error:
            error = "invalid_request"
        with state.lock:
            grant = state.refresh_tokens.get(token) or state.tokens.get(token)
            record["known_token"] = grant is not None and grant.client_id == client_id
            if not error and state.revoke_status == 200 and record["known_token"]:
                state.refresh_tokens.pop(token, None)
                state.tokens.pop(token, None)
            record["status"] = 400 if error else state.revoke_status
            state.revocations.append(record)
        if error:
            self._json(400, {"error": error})
        elif state.revoke_status != 200:
            self._json(state.revoke_status, {"error": "server_error"})
        else:
            self._send(200, b"", "text/plain")

    def _user(self, provider: str, query: dict[str, str]) -> None:
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else query.get("access_token", "")
        grant = self.server.state.tokens.get(token)
        if grant is None or grant.provider != provider:
            self._json(401, {"msg": "this access token does not exist", "code": -401})
            return
        if grant.user.get("answer") == "not_json":
            self._html(200, "<html>surprise</html>")
            return
        self._json(200, user_answer(provider, grant.user))


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False) -> None:
        super().__init__((host, port), Handler)
        self.state = SandboxState()
        self.verbose = verbose

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host}:{port}"


def start_in_thread(host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    """Start a sandbox on a free port in a daemon thread (tests); ``shutdown()`` stops it."""
    server = SandboxServer(host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
