"""The Kakao sandbox is a faithful Kakao: the client talks to it over real HTTP."""

from __future__ import annotations

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from devtools.sandboxes.kakao import SandboxConfig, start_in_thread
from devtools.sandboxes.kakao.__main__ import main as sandbox_main
from kakaosync import client

from .sandbox_helpers import exchange_code, kapi, login_and_consent, query_of

REDIRECT = "http://shop.test/accounts/kakao/login/callback/"


@pytest.fixture
def sandbox():
    server = start_in_thread(
        SandboxConfig(app_id=777, rest_api_key="rest", client_secret="sec", admin_key="adm")
    )
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def kakao_hosts(settings, sandbox):
    settings.KAKAOSYNC_AUTH_BASE_URL = sandbox.base_url
    settings.KAKAOSYNC_API_BASE_URL = sandbox.base_url


def authorize_url(base: str, **extra: str) -> str:
    params = {
        "client_id": "rest",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "state": "st8",
        **extra,
    }
    return f"{base}/oauth/authorize?{urllib.parse.urlencode(params)}"


def test_full_sync_signup_through_the_client(sandbox, kakao_hosts):
    url = authorize_url(
        sandbox.base_url,
        service_terms="terms_of_service,privacy_policy,marketing",
        channel_public_id="_shop",
    )
    resp = login_and_consent(
        sandbox.base_url,
        url,
        items=["profile_nickname", "account_email", "phone_number"],
        terms=["terms_of_service", "privacy_policy", "marketing"],
        channels=["_shop"],
    )
    assert resp.status_code == 302
    q = query_of(resp.headers["Location"])
    assert q["state"] == "st8"
    token = exchange_code(sandbox.base_url, q["code"], redirect_uri=REDIRECT).json()
    access = token["access_token"]
    user = kapi(sandbox.base_url, "GET", "/v2/user/me", access).json()
    account = user["kakao_account"]
    assert user["id"] == 1001
    assert account["email"] == "minji@example.com"
    assert account["phone_number"] == "+82 10-1234-5678"
    assert "birthday" not in account and account["birthday_needs_agreement"] is True
    assert user["synched_at"]
    terms = {t.tag: t for t in client.get_service_terms(access).terms}
    assert terms["marketing"].agreed and not terms["marketing"].required
    assert terms["terms_of_service"].required and terms["terms_of_service"].agreed_at
    rel = client.get_channels(access, channel_public_ids=["_shop"])
    assert rel.relation_to("_shop") == "ADDED"
    assert client.get_channels(access).relation_to("_shop") == "ADDED"
    info = kapi(sandbox.base_url, "GET", "/v1/user/access_token_info", access).json()
    assert info["app_id"] == 777
    revoke = "/v2/user/revoke/service_terms"
    revoked = kapi(sandbox.base_url, "POST", revoke, access, tags="marketing").json()
    assert [t["tag"] for t in revoked["revoked_service_terms"]] == ["marketing"]
    assert (
        kapi(sandbox.base_url, "POST", revoke, access, tags="terms_of_service").status_code == 400
    )
    # the code is single use
    again = exchange_code(sandbox.base_url, q["code"], redirect_uri=REDIRECT)
    assert again.status_code == 400 and again.json()["error_code"] == "KOE320"
    assert kapi(sandbox.base_url, "POST", "/v1/user/logout", access).json()["id"] == 1001
    assert kapi(sandbox.base_url, "GET", "/v2/user/me", access).status_code == 401


def test_required_terms_must_be_agreed_and_cancel_is_access_denied(sandbox):
    url = authorize_url(sandbox.base_url, service_terms="terms_of_service,marketing")
    http = requests.Session()
    resp = login_and_consent(sandbox.base_url, url, terms=["marketing"], http=http)
    assert resp.status_code == 200
    assert "Agree to every required term" in resp.text
    resp = login_and_consent(sandbox.base_url, url, action="cancel", http=http)
    q = query_of(resp.headers["Location"])
    assert q["error"] == "access_denied" and q["state"] == "st8"


def test_prompt_none(sandbox):
    http = requests.Session()
    resp = http.get(authorize_url(sandbox.base_url, prompt="none"), allow_redirects=False)
    assert query_of(resp.headers["Location"])["error"] == "login_required"
    # logged in to Kakao, but not a member of the app yet
    login_and_consent(sandbox.base_url, authorize_url(sandbox.base_url), action="cancel", http=http)
    resp = http.get(authorize_url(sandbox.base_url, prompt="none"), allow_redirects=False)
    assert query_of(resp.headers["Location"])["error"] == "consent_required"
    login_and_consent(sandbox.base_url, authorize_url(sandbox.base_url), http=http)
    resp = http.get(authorize_url(sandbox.base_url, prompt="none"), allow_redirects=False)
    assert "code" in query_of(resp.headers["Location"])


def test_token_errors(sandbox):
    resp = login_and_consent(sandbox.base_url, authorize_url(sandbox.base_url))
    code = query_of(resp.headers["Location"])["code"]
    wrong_secret = exchange_code(sandbox.base_url, code, redirect_uri=REDIRECT, secret="no")
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error_code"] == "KOE010"
    wrong_uri = exchange_code(sandbox.base_url, code, redirect_uri=REDIRECT + "x")
    assert wrong_uri.status_code == 400 and wrong_uri.json()["error_code"] == "KOE303"


def test_bad_client_id_shows_koe_page(sandbox):
    resp = requests.get(authorize_url(sandbox.base_url, client_id="wrong"), timeout=5)
    assert resp.status_code == 400 and "KOE101" in resp.text


def test_unlink_with_admin_key(sandbox, kakao_hosts):
    resp = login_and_consent(sandbox.base_url, authorize_url(sandbox.base_url))
    code = query_of(resp.headers["Location"])["code"]
    access = exchange_code(sandbox.base_url, code, redirect_uri=REDIRECT).json()["access_token"]
    with pytest.raises(client.KakaoAuthError):
        client.unlink_user(admin_key="wrong", user_id=1001)
    assert client.unlink_user(admin_key="adm", user_id=1001) == 1001
    with pytest.raises(client.KakaoAuthError):
        client.get_service_terms(access)
    with pytest.raises(client.KakaoAPIError) as exc:
        client.unlink_user(admin_key="adm", user_id=1001)
    assert exc.value.code == "-101"


class _Recorder(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        self.received.append({"auth": self.headers["Authorization"], **body})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_send_unlink_webhook_from_page_and_cli(sandbox):
    shop = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    try:
        sandbox.state.config.shop_url = f"http://127.0.0.1:{shop.server_address[1]}"
        login_and_consent(sandbox.base_url, authorize_url(sandbox.base_url))
        page = requests.get(sandbox.base_url + "/", timeout=5).text
        assert 'data-testid="send-unlink-1001"' in page
        resp = requests.post(
            sandbox.base_url + "/sandbox/webhooks/unlink",
            data={"user_id": "1001", "referrer_type": "ACCOUNT_DELETE"},
            timeout=5,
        )
        assert resp.status_code == 200
        assert _Recorder.received[-1] == {
            "auth": "KakaoAK adm",
            "app_id": "777",
            "user_id": "1001",
            "referrer_type": "ACCOUNT_DELETE",
        }
        assert 1001 not in sandbox.state.links
        rc = sandbox_main(
            [
                "--admin-key",
                "adm",
                "--app-id",
                "777",
                "--shop-url",
                sandbox.state.config.shop_url,
                "send-unlink",
                "--user-id",
                "1002",
            ]
        )
        assert rc == 0
        assert _Recorder.received[-1]["user_id"] == "1002"
    finally:
        shop.shutdown()
        shop.server_close()


def test_runs_standalone_as_a_module():
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.sandboxes.kakao", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        base = line.split(" on ", 1)[1].split("/ ", 1)[0]
        resp = requests.get(base + "/", timeout=5)
        assert resp.status_code == 200 and "Admin key" in resp.text
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_returning_member_is_asked_again_only_for_named_scope_or_new_terms(sandbox):
    http = requests.Session()
    login_and_consent(sandbox.base_url, authorize_url(sandbox.base_url), http=http)
    again = http.get(authorize_url(sandbox.base_url, scope=""), allow_redirects=False)
    assert again.status_code == 302 and "code" in query_of(again.headers["Location"])
    more = http.get(authorize_url(sandbox.base_url, scope="phone_number"), allow_redirects=False)
    assert more.status_code == 200 and "item-phone_number" in more.text
    terms = http.get(
        authorize_url(sandbox.base_url, service_terms="terms_of_service"), allow_redirects=False
    )
    assert terms.status_code == 200 and "term-terms_of_service" in terms.text
