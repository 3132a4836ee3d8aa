"""``manage.py store_secrets_key``: a new key for ``STORE_SECRETS_KEY``, usable as it is."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.management import call_command

from store import checks, crypto

ROOT = Path(__file__).resolve().parents[2]


def new_key() -> str:
    out = io.StringIO()
    call_command("store_secrets_key", stdout=out)
    return out.getvalue().strip()


def test_prints_a_fresh_fernet_key_the_shop_encrypts_with(settings) -> None:
    first, second = new_key(), new_key()
    assert first != second
    Fernet(first.encode())  # a Fernet key, not a passphrase the shop would stretch
    settings.STORE_SECRETS_KEY = first
    assert crypto.decrypt(crypto.encrypt("client-secret")) == "client-secret"
    assert checks.check_secrets_key() == []


def test_runs_before_the_project_has_a_key() -> None:
    """A new project makes its first key with it: no key and no database yet."""
    env = {k: v for k, v in os.environ.items() if k != "STORE_SECRETS_KEY"}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/none"  # nothing listens there
    result = subprocess.run(
        [sys.executable, "manage.py", "store_secrets_key"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    Fernet(result.stdout.strip().encode())


def test_the_missing_key_checks_name_the_command(settings) -> None:
    settings.STORE_SECRETS_KEY = ""
    for debug in (True, False):
        settings.DEBUG = debug
        (message,) = checks.check_secrets_key()
        assert "manage.py store_secrets_key" in (message.hint or "")
