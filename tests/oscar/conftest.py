"""The Oscar leg's shop: built once per run (wheel, virtualenv, project, data), served by
``runserver`` on loopback against the Kakao sandbox and the partner sandbox.

The shop is the host matrix's Oscar host (``tests/hosts/shops.started``: Oscar's documented
settings and the README's recipe blocks, built once per run and shared with
``tests/hosts/``), with a catalogue and a staff login added here. Its virtualenv is the
run's shared one (``host_shop.shared_python``). ``STORE_OSCAR_VENV=/path/to/venv`` reuses a
virtualenv that already has the plugin and the ``[oscar]`` extra (to iterate on the tests);
by default the wheel is built and installed, once per run.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..hosts import shops
from .host_shop import HostShop


@pytest.fixture(scope="session")
def oscar_host(tmp_path_factory: pytest.TempPathFactory) -> shops.Host:
    host = shops.started("oscar", tmp_path_factory)
    if not host.seeded:
        host.shop.manage("oscar_populate_countries")
        host.shop.run_script("seed.py")
        host.seeded = True
    return host


@pytest.fixture(scope="session")
def kakao_sandbox(oscar_host: shops.Host) -> Any:
    """Kakao's hosts on loopback, with the sandbox's default app (its keys are in
    host_project/store.json)."""
    return oscar_host.kakao


@pytest.fixture(scope="session")
def partner_sandbox(oscar_host: shops.Host) -> Any:
    """The partner's webhooks on loopback (``.base_url``, ``.received``, its demo users)."""
    return oscar_host.partner


@pytest.fixture(scope="session")
def oscar_shop(oscar_host: shops.Host) -> HostShop:
    shop: HostShop = oscar_host.shop
    return shop


def pytest_sessionfinish() -> None:
    shops.stop_all()
