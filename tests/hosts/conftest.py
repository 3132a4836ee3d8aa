"""The host matrix: each host of :data:`shops.HOSTS` built once per run, served by
``runserver`` on loopback with a Kakao sandbox and a partner sandbox of its own, then the
same promise tests against each (``@pytest.mark.hosts``; ``make test-hosts``, also run by
the Oscar leg of ``make test``).

The virtualenv (the project's wheel with the ``[oscar]`` extra) is the run's shared one,
built once for this package and ``tests/oscar/`` (``host_shop.shared_python``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from ..oscar import host_shop
from ..oscar.sandboxes import start_kakao_sandbox, start_partner_sandbox
from .shopper import Shopper
from .shops import HOSTS, Host, build

# Per host: the time from an empty directory to a working Kakao Sync login, by step.
MEASURED: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="session", params=HOSTS)
def host(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    python = host_shop.shared_python(tmp_path_factory)
    kakao = start_kakao_sandbox()
    partner_server, partner, partner_url = start_partner_sandbox()
    partner.base_url = partner_url
    where = tmp_path_factory.mktemp(f"host-{request.param}")
    started = time.monotonic()
    shop: Host | None = None
    try:
        shop = build(request.param, python, where / "shop", kakao, partner, [])
        # The first Kakao Sync login of a new Kakao account: it ends on the account page.
        shopper = Shopper.new(shop)
        shopper.kakao_account()
        landed = shopper.kakao_login()
        assert landed.status_code == 200 and shopper.logged_in(), (
            landed.status_code,
            landed.url,
            landed.text[:2000],
        )
        shop.timings["first Kakao Sync login"] = (
            time.monotonic() - started - sum(shop.timings.values())
        )
        MEASURED[request.param] = {**shop.timings, "total": time.monotonic() - started}
        yield shop
    finally:
        if shop is not None:
            shop.stop()
        kakao.shutdown()
        kakao.server_close()
        partner_server.shutdown()
        partner_server.server_close()


@pytest.fixture
def shopper(host: Host) -> Shopper:
    return Shopper.new(host)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not MEASURED:
        return
    write = terminalreporter.write_line
    terminalreporter.section("host matrix: from an empty directory to a working Kakao Sync login")
    venv = host_shop.shared_venv_seconds()
    if venv is not None:
        write(f"shared virtualenv (wheel + [oscar] extra, once per run): {venv:.1f} s")
    for name, steps in MEASURED.items():
        parts = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items() if step != "total")
        write(f"{name}: {steps['total']:.1f} s ({parts})")
