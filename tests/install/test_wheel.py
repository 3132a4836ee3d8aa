"""A wheel built from the repo installs into a fresh virtualenv and works in another shop."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..wheel import build_wheel

ROOT = Path(__file__).resolve().parents[2]


def _dev_tool_imports(source: bytes) -> set[str]:
    """Modules named by the import statements of ``source`` that are development tools."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            modules = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(
            m
            for m in modules
            if m.split(".")[0].lstrip(".") in {"devtools", "bench"} or "sandbox" in m.split(".")
        )
    return found


def test_dev_tool_import_detection() -> None:
    """The wheel's import scan finds absolute, relative and ``from x import sandbox`` forms."""
    assert _dev_tool_imports(b"from .sandbox.endpoints import ORIGINS") == {
        ".sandbox.endpoints",
        ".sandbox.endpoints.ORIGINS",
    }
    assert _dev_tool_imports(b"import devtools.sandboxes.kakao") == {"devtools.sandboxes.kakao"}
    assert _dev_tool_imports(b"from kakaosync import sandbox") == {"kakaosync.sandbox"}
    assert _dev_tool_imports(b"from store.config import import_config") == set()


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_minimal_shop(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "store/templates/store/base.html",
        "store/static/store/shop.css",
        "store/locale/ko/LC_MESSAGES/django.mo",
        "store/migrations/0001_initial.py",
    ):
        assert expected in names, f"{expected} is not shipped in the wheel"
    assert not any(n.startswith(("config/", "tests/", "devtools/", "bench/")) for n in names)
    dev_tools = [n for n in names if "/sandbox" in n or "seed_demo" in n]
    assert not dev_tools, f"development tools shipped in the wheel: {dev_tools}"
    importing = {
        n: sorted(imported)
        for n in names
        if n.endswith(".py") and (imported := _dev_tool_imports(zipfile.ZipFile(wheel).read(n)))
    }
    assert not importing, f"wheel modules import development tools: {importing}"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    project = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "minimal_project", project)
    result = subprocess.run(
        [str(venv / "bin" / "python"), "smoke.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke ok" in result.stdout
