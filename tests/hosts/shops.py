"""The host matrix's shops, each built as a new user would from an empty directory: the run's
virtualenv (the project's wheel), ``django-admin startproject``, the host's own lines, then
the README's recipe blocks taken verbatim, ``store_secrets_key``, the first ``manage.py
check``, ``migrate``, the store's settings (``storeconfig import``), ``runserver``.

Three hosts, one :class:`Host` each, with what differs between them spelled out as data:

- ``plain``: Django's default user model, ``<!-- recipe:plain:settings -->`` and
  ``<!-- recipe:plain:urls -->`` appended to / replacing startproject's files;
- ``custom_user``: the same recipe on a project whose ``accounts.User`` has e-mail as
  ``USERNAME_FIELD``, no user name, a UUID key and a required ``full_name``, plus
  ``<!-- recipe:custom-user:settings -->``;
- ``oscar``: django-oscar 4.2 as ``tests/oscar/host_shop.py`` builds it (Oscar's documented
  settings, ``<!-- oscar-recipe:... -->``);
- ``headless`` (:data:`HEADLESS_HOSTS`, its own promises in ``test_headless_host.py``): the
  plain recipe plus ``<!-- recipe:headless:settings -->`` and ``<!-- recipe:headless:urls -->``
  (allauth headless, ``HEADLESS_ONLY = True``): no allauth HTML page, a single-page front end
  played by ``headless_shopper.HeadlessShopper``.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..oscar import host_shop
from ..oscar.host_shop import HostShop, free_port, readme_blocks, start_server
from ..oscar.sandboxes import partner_webhooks, start_kakao_sandbox, start_partner_sandbox

HERE = Path(__file__).resolve().parent / "host_project"
STORE_JSON = Path(__file__).resolve().parents[1] / "oscar" / "host_project" / "store.json"
HOSTS = ("plain", "custom_user", "oscar")
# Hosts whose shopper is a single-page front end (allauth headless's browser API), with
# promises of their own: the HTML promises of test_promises.py do not apply.
HEADLESS_HOSTS = ("headless",)


@dataclass
class Host:
    """One running host shop and what its pages look like to a shopper."""

    name: str
    shop: HostShop
    kakao: Any  # the Kakao sandbox server behind this host
    partner: Any  # the partner sandbox (``.base_url``, ``.faults``, ``.received``)
    account_path: str  # the customer's account page
    delete_path: str  # the plugin's account deletion
    identity_path: str  # a page that shows the logged-in customer's e-mail address
    # Oscar's login page is Oscar's own form (``customer:login``); elsewhere allauth's.
    password_form: dict[str, str] = field(default_factory=dict)
    first_check: str = ""  # the output of the first ``manage.py check``
    timings: dict[str, float] = field(default_factory=dict)
    server: Any = None

    @property
    def base_url(self) -> str:
        return self.shop.base_url

    def script(self, name: str, **env: str) -> str:
        """Run one of host_project/'s scripts in the host's own Django; its last line."""
        result = subprocess.run(
            [str(self.shop.python), "manage.py", "shell"],
            cwd=self.shop.project,
            env={**self.shop.env, **env},
            input=(HERE / name).read_text(),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip().splitlines()[-1]

    def counts(self, email: str = "") -> dict[str, int]:
        return dict(json.loads(self.script("counts.py", COUNT_EMAIL=email)))

    sandbox_servers: list[Any] = field(default_factory=list)
    seeded: bool = False  # the Oscar leg added its catalogue and staff login

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(10)
            self.server = None
        for server in self.sandbox_servers:
            server.shutdown()
            server.server_close()
        self.sandbox_servers = []


def recipe(name: str) -> dict[str, str]:
    blocks = readme_blocks(f"recipe:{name}")
    assert blocks, f"README has no <!-- recipe:{name}:... --> block"
    return blocks


def _startproject(python: Path, where: Path, env: dict[str, str], name: str) -> None:
    where.mkdir(parents=True)
    admin = python.parent / "django-admin"
    subprocess.run([str(admin), "startproject", name, str(where)], check=True, env=env)


def _append(settings: Path, *parts: str) -> None:
    settings.write_text("\n".join((settings.read_text(), *parts)))


def _plain_project(
    python: Path, where: Path, env: dict[str, str], custom_user: bool, headless: bool = False
) -> None:
    _startproject(python, where, env, "shop")
    settings = where / "shop" / "settings.py"
    plain = recipe("plain")
    assert set(plain) == {"settings", "urls"}, sorted(plain)
    if custom_user:
        subprocess.run(
            [str(python), "manage.py", "startapp", "accounts"], cwd=where, env=env, check=True
        )
        (where / "accounts" / "models.py").write_text((HERE / "accounts_models.py").read_text())
        _append(settings, (HERE / "accounts_settings.fragment").read_text())
    _append(settings, plain["settings"])
    if custom_user:
        _append(settings, recipe("custom-user")["settings"])
    urls = plain["urls"]
    if headless:
        blocks = recipe("headless")
        assert set(blocks) == {"settings", "urls"}, sorted(blocks)
        _append(settings, blocks["settings"])
        urls = "\n".join((urls, blocks["urls"]))
    _append(settings, (HERE / "test_only_settings.fragment").read_text())
    (where / "shop" / "urls.py").write_text(urls)


def build(
    name: str, python: Path, where: Path, kakao: Any, partner: Any, secrets_key: list[str]
) -> Host:
    """Build and start host ``name`` in ``where`` (which does not exist yet), timing each step
    from the empty directory on. ``secrets_key`` receives the key ``store_secrets_key``
    printed (the first host's is reused: the command's output is what matters)."""
    started = time.monotonic()
    timings: dict[str, float] = {}

    def lap(step: str) -> None:
        timings[step] = time.monotonic() - started - sum(timings.values())

    env = host_shop.base_env(kakao.base_url)
    env.pop("STORE_SECRETS_KEY")
    if name == "oscar":
        shop = host_shop.create_project(python, where, env)
        host = Host(
            name,
            shop,
            kakao,
            partner,
            account_path="/accounts/profile/",
            delete_path="/store/account/delete/",
            identity_path="/accounts/profile/",
            password_form={"login-username": "{login}", "login-password": "{password}"},
        )
    elif name == "headless":
        _plain_project(python, where, env, custom_user=False, headless=True)
        shop = HostShop(python=python, project=where, env=env)
        host = Host(
            name,
            shop,
            kakao,
            partner,
            account_path="/account/",  # store.commerce's page (the shop's own, not allauth's)
            delete_path="/account/delete/",
            # The customer's e-mail address as the front end reads it (a partner's customer
            # has no allauth address row, so account/email lists none).
            identity_path="/_allauth/browser/v1/auth/session",
        )
    else:
        _plain_project(python, where, env, custom_user=name == "custom_user")
        shop = HostShop(python=python, project=where, env=env)
        host = Host(
            name,
            shop,
            kakao,
            partner,
            account_path="/account/",
            delete_path="/account/delete/",
            identity_path="/accounts/email/",  # the built-in account page names no one
            password_form={"login": "{login}", "password": "{password}"},
        )
    lap("project and recipe")
    # As the README says: make the key with the plugin's command, keep it in the environment.
    key = shop.manage("store_secrets_key").strip()
    secrets_key.append(key)
    shop.env["STORE_SECRETS_KEY"] = key
    if name == "custom_user":
        shop.manage("makemigrations", "accounts", "-v0")
    checked = subprocess.run(
        [str(python), "manage.py", "check"],
        cwd=shop.project,
        env=shop.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # Warnings go to stderr, "no issues" to stdout.
    host.first_check = checked.stdout + checked.stderr
    lap("secrets key and first check")
    shop.manage("migrate", "-v0")
    lap("migrate")
    config = json.loads(STORE_JSON.read_text())
    config["keymap"] = {
        "storage": "custom",
        "account_linking": True,
        "webhooks": partner_webhooks(partner.base_url),
    }
    (where / "store.json").write_text(json.dumps(config))
    shop.manage("storeconfig", "import", str(where / "store.json"))
    lap("store settings")
    port = free_port()
    # Beside the project, as the Oscar leg's tests read it (one directory per host).
    host.server = start_server(shop, port, where.parent / "server.log")
    shop.base_url = f"http://127.0.0.1:{port}"
    kakao.state.config.shop_url = shop.base_url
    lap("runserver")
    host.timings = timings
    return host


# Hosts built through :func:`started`, for this run: the Oscar host is shared with the Oscar
# leg (``tests/oscar/conftest.py``), which adds its catalogue (so one Oscar project is
# migrated per run, not two).
_STARTED: dict[str, Host] = {}


def started(name: str, tmp_path_factory: Any) -> Host:
    """Host ``name`` with a Kakao sandbox and a partner sandbox of its own, built and timed
    up to a working Kakao Sync login the first time it is asked for in this run."""
    if name in _STARTED:
        return _STARTED[name]
    from .headless_shopper import HeadlessShopper
    from .shopper import Shopper

    shopper_class = HeadlessShopper if name in HEADLESS_HOSTS else Shopper
    python = host_shop.shared_python(tmp_path_factory)
    kakao = start_kakao_sandbox()
    partner_server, partner, partner_url = start_partner_sandbox()
    partner.base_url = partner_url
    where = tmp_path_factory.mktemp(f"host-{name}")
    begun = time.monotonic()
    host: Host | None = None
    try:
        host = build(name, python, where / "shop", kakao, partner, [])
        host.sandbox_servers = [kakao, partner_server]
        # The first Kakao Sync login of a new Kakao account: it ends logged in.
        shopper = shopper_class.new(host)
        shopper.kakao_account()
        landed = shopper.kakao_login()
        # A single-page front end's login ends on its callback_url (a redirect from the shop).
        landed_ok = landed.status_code == (302 if name in HEADLESS_HOSTS else 200)
        assert landed_ok and shopper.logged_in(), (
            landed.status_code,
            landed.url,
            landed.text[:2000],
        )
        host.timings["first Kakao Sync login"] = (
            time.monotonic() - begun - sum(host.timings.values())
        )
        host.timings["total"] = time.monotonic() - begun
    except BaseException:
        if host is not None:
            host.stop()
        else:
            for server in (kakao, partner_server):
                server.shutdown()
                server.server_close()
        raise
    _STARTED[name] = host
    return host


def stop(name: str) -> None:
    """Stop host ``name``; its timings stay for the run's summary (:func:`measured`)."""
    host = _STARTED.pop(name, None)
    if host is not None:
        _MEASURED[name] = host.timings
        host.stop()


def stop_all() -> None:
    for name in list(_STARTED):
        stop(name)


def measured() -> dict[str, dict[str, float]]:
    """Per host started in this run: the seconds of each step, and ``total``."""
    return _MEASURED | {name: host.timings for name, host in _STARTED.items()}


_MEASURED: dict[str, dict[str, float]] = {}
