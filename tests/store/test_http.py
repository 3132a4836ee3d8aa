"""The outbound session factory: proxies from the environment once per origin, no redirects."""

from __future__ import annotations

import responses

from store import http


def test_proxies_from_the_environment_read_once_per_origin(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "sandbox.local")
    http._environ_proxies.cache_clear()
    try:
        proxies = http._environ_proxies(http._origin("https://kapi.kakao.com/v2/user/me"))
        assert proxies["https"] == "http://proxy.invalid:3128"
        assert "https" not in http._environ_proxies(http._origin("https://sandbox.local:8767/x"))
        http._environ_proxies(http._origin("https://kapi.kakao.com/v1/user/unlink"))
        assert http._environ_proxies.cache_info().hits == 1
    finally:
        http._environ_proxies.cache_clear()


@responses.activate
def test_redirects_are_not_followed() -> None:
    responses.get("https://api.test/a", status=302, headers={"Location": "https://evil.test/"})
    responses.post("https://api.test/a", status=307, headers={"Location": "https://evil.test/"})
    responses.get("https://evil.test/", body="followed")
    session = http.new_session(deadline=2.0)
    assert session.get("https://api.test/a").status_code == 302
    assert session.post("https://api.test/a", allow_redirects=True).status_code == 307
    assert len(responses.calls) == 2
