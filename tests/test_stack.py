"""``make stack`` and the set-up of ``make test``: real servers, no stand-ins."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.conftest import require_stack_parts

ROOT = Path(__file__).resolve().parent.parent
ENSURE = ROOT / "scripts" / "ensure_system_packages.sh"


@pytest.fixture
def bin_dir() -> Iterator[Path]:
    """A directory any user can read (pytest's own tmp_path is private to its user)."""
    with tempfile.TemporaryDirectory(prefix="ensure-packages-") as name:
        os.chmod(name, 0o755)
        yield Path(name)


def _fake_path(bin_dir: Path, *missing: str) -> str:
    """A PATH with the tools the script looks for, except ``missing``."""
    for tool in ("bash", "ls", "id", "dpkg", "chromium", "msgfmt", "redis-server"):
        found = shutil.which(tool)
        if tool in missing:
            continue
        target = bin_dir / tool
        if found:
            target.symlink_to(found)
        else:  # a stand-in name only for `command -v`, never run
            target.write_text("#!/bin/sh\nexit 0\n")
            target.chmod(0o755)
    return str(bin_dir)


def test_make_test_set_up_names_the_one_command_when_it_cannot_install(bin_dir: Path) -> None:
    env = {"PATH": _fake_path(bin_dir, "chromium", "redis-server")}
    cmd = [str(shutil.which("bash")), str(ENSURE)]
    if os.geteuid() == 0:  # as root it would install: run it as a user who cannot
        cmd = [str(shutil.which("runuser")), "-u", "nobody", "--", *cmd]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert "Missing system packages: chromium redis-server" in result.stderr
    assert (
        "apt-get update && apt-get install -y --no-install-recommends chromium redis-server"
        in result.stderr
    )


def test_make_test_set_up_does_nothing_when_everything_is_there(bin_dir: Path) -> None:
    env = {"PATH": _fake_path(bin_dir)}
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL server binaries not installed")
    result = subprocess.run(
        [str(shutil.which("bash")), str(ENSURE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.slow
def test_a_kakao_login_begun_on_one_app_server_finishes_on_another() -> None:
    """OAuth state, session and cache live outside the servers (PostgreSQL and Redis)."""
    require_stack_parts("make stack")
    sys.path.insert(0, str(ROOT / "scripts"))
    from stack import Stack

    from bench.load import flows

    with Stack(servers=2, workers=1) as stack:
        first, second = (f"http://127.0.0.1:{port}" for port in stack.server_ports)
        session = requests.Session()
        flows.kakao_account(session, flows.Target(first, stack.sandbox_urls["kakao"]))
        page = session.get(f"{first}/accounts/login/", timeout=30)
        start = session.post(
            f"{first}/accounts/kakao/login/",
            data={"csrfmiddlewaretoken": flows._csrf(session, page.text), "process": "login"},
            headers={"Referer": f"{first}/accounts/login/"},
            allow_redirects=False,
            timeout=30,
        )
        assert start.status_code == 302
        target = flows.Target(first, stack.sandbox_urls["kakao"])
        callback = urlsplit(flows._follow_kakao(session, target, start.headers["Location"]))
        assert callback.netloc == urlsplit(first).netloc
        # The same callback, answered by the other server under the shop's one host name,
        # as a load balancer without sticky sessions would send it.
        on_second = urlunsplit(callback._replace(netloc=urlsplit(second).netloc))
        done = session.get(
            on_second, headers={"Host": callback.netloc}, allow_redirects=False, timeout=30
        )
        assert (done.status_code, done.headers.get("Location")) == (302, "/account/")
        for server in (second, first):  # the new session is good on both servers
            account = session.get(f"{server}/account/", allow_redirects=False, timeout=30)
            assert account.status_code == 200
