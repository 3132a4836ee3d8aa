"""The Oscar leg's shop: built once per run (wheel, virtualenv, project, data), served by
``runserver`` on loopback against the Kakao sandbox and the partner sandbox.

The virtualenv is the run's shared one (``host_shop.shared_python``, also used by
``tests/hosts/``). ``STORE_OSCAR_VENV=/path/to/venv`` reuses a virtualenv that already has
the plugin and the ``[oscar]`` extra (to iterate on the tests); by default the wheel is
built and installed, once per run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .host_shop import (
    HostShop,
    base_env,
    create_project,
    free_port,
    shared_python,
    start_server,
)
from .sandboxes import partner_webhooks, start_kakao_sandbox, start_partner_sandbox


@pytest.fixture(scope="session")
def kakao_sandbox() -> Iterator[Any]:
    server = start_kakao_sandbox()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def partner_sandbox() -> Iterator[Any]:
    server, sandbox, base_url = start_partner_sandbox()
    sandbox.base_url = base_url
    yield sandbox
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def oscar_shop(
    tmp_path_factory: pytest.TempPathFactory, kakao_sandbox: Any, partner_sandbox: Any
) -> Iterator[Any]:
    where = tmp_path_factory.mktemp("oscar")
    python = shared_python(tmp_path_factory)
    shop: HostShop = create_project(python, where / "frobshop", base_env(kakao_sandbox.base_url))
    shop.manage("migrate", "-v0")
    shop.manage("oscar_populate_countries")
    config = json.loads((Path(__file__).parent / "host_project/store.json").read_text())
    # Custom storage: the partner sandbox's URL is known only once it listens.
    config["keymap"] = {
        "storage": "custom",
        "account_linking": True,
        "webhooks": partner_webhooks(partner_sandbox.base_url),
    }
    (where / "store.json").write_text(json.dumps(config))
    shop.manage("storeconfig", "import", str(where / "store.json"))
    shop.run_script("seed.py")
    port = free_port()
    server = start_server(shop, port, where / "server.log")
    shop.base_url = f"http://127.0.0.1:{port}"
    kakao_sandbox.state.config.shop_url = shop.base_url
    yield shop
    server.terminate()
    server.wait(10)
