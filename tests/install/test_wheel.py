"""A wheel built from the repo installs into a fresh virtualenv and works in another shop."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_minimal_shop(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(dist.glob("django_social_store-*.whl"))
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "store/templates/store/base.html",
        "store/static/store/shop.css",
        "store/locale/ko/LC_MESSAGES/django.mo",
        "store/migrations/0001_initial.py",
    ):
        assert expected in names, f"{expected} is not shipped in the wheel"
    assert not any(n.startswith(("config/", "tests/")) for n in names)

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
