"""Every string a person reads is translated into Korean, and the shipped .mo files match.

For each app: a fresh ``makemessages`` run (on a copy, so the tree is untouched) must find
no message that the committed ``ko`` catalogue lacks; the catalogue must have no untranslated
or fuzzy entries; the committed ``.mo`` must be what ``msgfmt`` makes of the ``.po``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REQUIRE_REAL_PARTS

ROOT = Path(__file__).resolve().parent.parent
APPS = ["store", "sociallogin", "kakaosync", "keymap"]

if not shutil.which("msgfmt"):
    if REQUIRE_REAL_PARTS:
        raise RuntimeError("GNU gettext is missing: apt-get install -y gettext")
    pytest.skip("GNU gettext is not installed", allow_module_level=True)


def _catalogues(app: str) -> list[Path]:
    return sorted((ROOT / app / "locale" / "ko" / "LC_MESSAGES").glob("*.po"))


def _has_messages(app: str) -> bool:
    for path in (ROOT / app).rglob("*"):
        if path.suffix in {".py", ".html", ".txt", ".js"} and "locale" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="ignore")
            if any(m in text for m in ("gettext", "translate", "blocktranslate", "{% trans")):
                return True
    return False


@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_complete_and_compiled(app: str, tmp_path: Path) -> None:
    if not _has_messages(app):
        pytest.skip(f"{app} has no translatable strings yet")
    catalogues = _catalogues(app)
    assert catalogues, f"{app}/locale/ko/LC_MESSAGES/django.po is missing"
    for po in catalogues:
        stats = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert stats.returncode == 0, stats.stderr
        assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr, (
            f"{po.relative_to(ROOT)}: {stats.stderr.strip()}"
        )
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo.relative_to(ROOT)} is not compiled (make messages)"
        assert mo.read_bytes() == (tmp_path / "out.mo").read_bytes(), (
            f"{mo.relative_to(ROOT)} is out of date: run compilemessages"
        )


@pytest.mark.parametrize("app", APPS)
def test_no_string_is_missing_from_the_catalogue(app: str, tmp_path: Path) -> None:
    if not _has_messages(app):
        pytest.skip(f"{app} has no translatable strings yet")
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("__pycache__"))
    # django-admin, not ``python -m django``: the latter would put the app's own folder
    # first on sys.path, where ``store/config.py`` shadows the ``config`` settings package.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings"}
    for po in _catalogues(app):
        domain = po.stem
        subprocess.run(
            [
                str(Path(sys.executable).parent / "django-admin"),
                "makemessages",
                "-l",
                "ko",
                "-d",
                domain,
                "--keep-pot",
                "--no-obsolete",
            ],
            cwd=copy,
            env=env,
            capture_output=True,
            check=True,
        )
        pot = copy / "locale" / f"{domain}.pot"
        result = subprocess.run(
            ["msgcmp", str(po), str(pot)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{app} ({domain}) has untranslated strings:\n" + (
            result.stderr
        )


@pytest.mark.django_db
def test_shop_speaks_korean_and_english(client) -> None:
    korean = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "상품" in korean and '<html lang="ko">' in korean
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Products" in english and '<html lang="en">' in english
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert "상품" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
