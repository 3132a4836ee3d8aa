"""Building the project's wheel for the install tests, from a clean copy of the tree.

setuptools builds in the source tree's ``build/`` folder and reuses what it finds there, so
a stale ``build/lib`` (modules since moved or deleted) would end up in the wheel, and two
builds at once would share it. The copy holds exactly the files git tracks or would track.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_wheel(out: Path) -> Path:
    source = out.parent / f"{out.name}-source"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        cwd=out.parent,
    )
    return next(out.glob("django_social_store-*.whl"))
