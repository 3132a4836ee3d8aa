"""A shopper's browser as plain HTTP (a ``requests`` session: cookies, CSRF, redirects) at a
host shop and at the Kakao sandbox behind it."""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from .shops import Host

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
KAKAOTALK_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.3.1"
)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT = re.compile(r"<input[^>]*>")
TIMEOUT = 30


def text_of(page: str, name: str) -> str | None:
    """The text of the element with ``data-testid=name`` (its first text node)."""
    found = re.search(rf"data-testid=[\"']{re.escape(name)}[\"'][^>]*>\s*([^<]*)", page)
    return html.unescape(found.group(1)).strip() if found else None


@dataclass
class Shopper:
    host: Host
    http: requests.Session

    @classmethod
    def new(cls, host: Host, user_agent: str = BROWSER_UA) -> Shopper:
        http = requests.Session()
        http.headers["User-Agent"] = user_agent
        http.headers["Accept-Language"] = "en"
        return cls(host, http)

    # --- the shop ---------------------------------------------------------------------

    def url(self, path: str) -> str:
        return urljoin(self.host.base_url + "/", path)

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return self.http.get(self.url(path), timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]

    def post_form(self, path: str, data: dict[str, str], page: str | None = None):
        """POST ``data`` to ``path`` with the CSRF token of ``page`` (else of GET ``path``);
        the answer, redirects not followed."""
        if page is None:
            page = self.get(path).text
        found = CSRF_INPUT.search(page)
        token = found.group(1) if found else str(self.http.cookies.get("csrftoken") or "")
        return self.http.post(
            self.url(path),
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": self.url(path)},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    def follow(self, resp: requests.Response, hops: int = 8) -> requests.Response:
        """Follow redirects from ``resp``; a social signup form on the way is submitted as
        shown (Kakao Sync's quick signup shows none when Kakao shared everything)."""
        for _hop in range(hops):
            if resp.status_code not in (301, 302, 303):
                return resp
            location = urljoin(resp.url, resp.headers["Location"])
            if urlsplit(location).netloc != urlsplit(self.host.base_url).netloc:
                return resp  # leaves the shop (to Kakao): the caller goes on
            resp = self.http.get(location, allow_redirects=False, timeout=TIMEOUT)
            if resp.status_code == 200 and "/signup" in urlsplit(resp.url).path:
                form = {}
                for tag in INPUT.findall(resp.text):
                    name = re.search(r'name="([^"]+)"', tag)
                    value = re.search(r'value="([^"]*)"', tag)
                    if name and name.group(1) != "csrfmiddlewaretoken":
                        form[name.group(1)] = html.unescape(value.group(1)) if value else ""
                resp = self.post_form(urlsplit(resp.url).path, form, page=resp.text)
        return resp

    def account_page(self) -> requests.Response:
        """The customer's account page, redirects followed (a login page when logged out)."""
        return self.get(self.host.account_path)

    def identity(self) -> requests.Response:
        """A page naming the logged-in customer's e-mail address."""
        return self.get(self.host.identity_path)

    def logged_in(self) -> bool:
        resp = self.get(self.host.account_path, allow_redirects=False)
        return resp.status_code == 200

    def password_login(self, login: str, password: str) -> requests.Response:
        """The host's login page (allauth's, or Oscar's own form), the answer to its POST."""
        data = {
            k: v.format(login=login, password=password) for k, v in self.host.password_form.items()
        }
        if "login-username" in data:
            data["login_submit"] = "Log In"  # Oscar's login view reads its submit button
        return self.post_form("/accounts/login/", data)

    def user_id_login(self, user_id: str) -> requests.Response:
        return self.post_form("/keymap/login/user-id/", {"user_id": user_id})

    def delete_account(self) -> requests.Response:
        return self.follow(self.post_form(self.host.delete_path, {"confirm": "on"}))

    # --- Kakao --------------------------------------------------------------------------

    def kakao_account(self, email: str | None = None) -> int:
        """A new Kakao account, logged in at the sandbox in this browser; its Kakao user ID."""
        tag = uuid.uuid4().hex[:10]
        person = self.host.kakao.state.add_person(f"k{tag}", email or f"k{tag}@example.com")
        self.kakao_as(person.id)
        return int(person.id)

    def kakao_as(self, person: int) -> None:
        resp = self.http.post(
            f"{self.host.kakao.base_url}/sandbox/login",
            data={"person": str(person), "next": "/"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert resp.status_code == 302, resp.text[:300]

    def kakao_login(self) -> requests.Response:
        """The login page's Kakao button, Kakao's consent screen (agreeing to everything),
        the shop's callback and whatever the shop shows next; the last answer."""
        page = self.get("/accounts/login/")
        assert page.status_code == 200, page.status_code
        assert "/accounts/kakao/login/" in page.text, "no Kakao button on the login page"
        resp = self.post_form("/accounts/kakao/login/", {"process": "login"}, page=page.text)
        assert resp.status_code == 302, (resp.status_code, resp.text[:500])
        return self.follow(self.through_kakao(resp.headers["Location"]))

    def through_kakao(self, location: str) -> requests.Response:
        """From the shop's redirect to Kakao back to the shop's callback (not followed)."""
        resp = self.http.get(location, allow_redirects=False, timeout=TIMEOUT)
        if resp.status_code == 200:  # Kakao's consent screen: agree to everything shown
            form: list[tuple[str, str]] = [("action", "agree")]
            for tag in INPUT.findall(resp.text):
                name = re.search(r'name="([^"]+)"', tag)
                value = re.search(r'value="([^"]*)"', tag)
                if name and value:
                    form.append((name.group(1), html.unescape(value.group(1))))
            resp = self.http.post(
                f"{self.host.kakao.base_url}/oauth/authorize/consent",
                data=form,
                allow_redirects=False,
                timeout=TIMEOUT,
            )
        assert resp.status_code == 302, (resp.status_code, resp.text[:500])
        back = resp.headers["Location"]
        assert "error=" not in back, back
        return self.http.get(back, allow_redirects=False, timeout=TIMEOUT)
