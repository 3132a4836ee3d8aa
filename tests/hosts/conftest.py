"""The host matrix: each host of :data:`shops.HOSTS` built once per run, served by
``runserver`` on loopback with a Kakao sandbox and a partner sandbox of its own, then the
same promise tests against each (``@pytest.mark.hosts``; ``make test-hosts``).

The virtualenv (the project's wheel with the ``[oscar]`` extra) is the run's shared one,
built once for this package and ``tests/oscar/`` (``host_shop.shared_python``), and so is
the Oscar host (``shops.started``): run both packages in one pytest process.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..oscar import host_shop
from . import shops
from .shopper import Shopper


@pytest.fixture(scope="session", params=shops.HOSTS)
def host(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield shops.started(request.param, tmp_path_factory)
    if request.param != "oscar":  # the Oscar leg may still need it; stopped at the end
        shops.stop(request.param)


@pytest.fixture(scope="session", params=shops.HEADLESS_HOSTS)
def headless_host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    yield shops.started(request.param, tmp_path_factory)
    shops.stop(request.param)


@pytest.fixture
def shopper(host: shops.Host) -> Shopper:
    return Shopper.new(host)


def pytest_sessionfinish() -> None:
    shops.stop_all()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    measured = shops.measured()
    if not measured:
        return
    write = terminalreporter.write_line
    terminalreporter.section("host matrix: from an empty directory to a working Kakao Sync login")
    venv = host_shop.shared_venv_seconds()
    if venv is not None:
        write(f"shared virtualenv (wheel + [oscar] extra, once per run): {venv:.1f} s")
    for name, steps in measured.items():
        parts = ", ".join(f"{step} {secs:.1f} s" for step, secs in steps.items() if step != "total")
        write(f"{name}: {steps.get('total', 0):.1f} s ({parts})")
