"""A django-oscar 4.2 shop built as a new user would: the wheel, a fresh virtualenv with the
``[oscar]`` extra, ``django-admin startproject``, Oscar's documented settings, then the
README's recipe blocks taken verbatim from README.md.

The virtualenv is built once per run (:func:`shared_python`) and shared by every host shop
of the run: this leg's and ``tests/hosts/``'s (plain Django and a custom user model need
only the wheel; Oscar's extra installed beside it changes nothing for them)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from ..wheel import build_wheel

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "host_project"
SECRETS_KEY = "pPpNRgYMJPfKy2D8Fr8ZVJpxHz5m6WpqvVYZ2Js4x6o="


def readme_blocks(marker: str) -> dict[str, str]:
    """The README's ``<!-- MARKER:NAME -->`` python code blocks, by name."""
    text = (ROOT / "README.md").read_text()
    found = re.findall(rf"<!-- {re.escape(marker)}:([\w-]+) -->\n```python\n(.*?)```", text, re.S)
    return dict(found)


def readme_recipe() -> dict[str, str]:
    """The README's ``<!-- oscar-recipe:NAME -->`` code blocks, by name."""
    blocks = readme_blocks("oscar-recipe")
    assert set(blocks) == {"settings", "urls"}, f"README recipe blocks: {sorted(blocks)}"
    return blocks


def settings_lines(block: str) -> int:
    """Lines of the settings block that are not ``INSTALLED_APPS`` (the issue's measure)."""
    count, in_apps = 0, False
    for line in block.splitlines():
        if line.startswith("INSTALLED_APPS"):
            in_apps = not line.rstrip().endswith(("]", ")", ")]"))
            continue
        if in_apps:
            in_apps = not line.rstrip().endswith(("]", ")]", ")"))
            continue
        count += bool(line.strip()) and not line.lstrip().startswith("#")
    return count


_SHARED: dict[str, Any] = {}


def shared_python(tmp_path_factory: Any) -> Path:
    """The run's virtualenv (the wheel, its ``[oscar]`` extra): built by the first caller.

    ``STORE_OSCAR_VENV=/path/to/venv`` reuses one that already has them (to iterate on the
    tests)."""
    if "python" not in _SHARED:
        started = time.monotonic()
        reuse = os.environ.get("STORE_OSCAR_VENV")
        if reuse:
            _SHARED["python"] = Path(reuse) / "bin" / "python"
        else:
            where = tmp_path_factory.mktemp("host-venv")
            _SHARED["python"] = make_venv(where / "venv", build_wheel(where / "dist"))
        _SHARED["seconds"] = time.monotonic() - started
    return Path(_SHARED["python"])


def shared_venv_seconds() -> float | None:
    """How long :func:`shared_python` took to build the virtualenv (``None``: not built)."""
    return _SHARED.get("seconds")


def make_venv(venv: Path, wheel: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    # pycountry: Oscar's documentation installs it for ``oscar_populate_countries``.
    subprocess.run([*pip, f"{wheel}[oscar]", "pycountry"], check=True)
    return venv / "bin" / "python"


@dataclass
class HostShop:
    python: Path
    project: Path
    env: dict[str, str]
    base_url: str = ""

    def manage(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [str(self.python), "manage.py", *args],
            cwd=self.project,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def run_script(self, name: str) -> str:
        """Run one of host_project/'s scripts in the shop's own Django (``shell``)."""
        return self.manage("shell", stdin=(HERE / name).read_text())


def create_project(python: Path, where: Path, env: dict[str, str]) -> HostShop:
    admin = python.parent / "django-admin"
    where.mkdir(parents=True)
    subprocess.run([str(admin), "startproject", "frobshop", str(where)], check=True, env=env)
    recipe = readme_recipe()
    settings = where / "frobshop" / "settings.py"
    settings.write_text(
        "\n".join(
            (
                settings.read_text(),
                (HERE / "oscar_docs_settings.fragment").read_text(),
                recipe["settings"],
                (HERE / "test_only_settings.fragment").read_text(),
            )
        )
    )
    (where / "frobshop" / "urls.py").write_text(recipe["urls"])
    return HostShop(python=python, project=where, env=env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(shop: HostShop, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(shop.python), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=shop.project,
            env=shop.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except requests.ConnectionError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    server.kill()
    raise AssertionError(f"the shop did not start:\n{log.read_text()[-3000:]}")


def base_env(kakao_url: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "STORE_SECRETS_KEY": SECRETS_KEY,
        "KAKAOSYNC_AUTH_BASE_URL": kakao_url,
        "KAKAOSYNC_API_BASE_URL": kakao_url,
        "PYTHONUNBUFFERED": "1",
    }
