#!/usr/bin/env python
"""``make bench``: run every benchmark, each printing ratios against its own baseline.

Each benchmark is a standalone script (it sets Django up itself); they run one after the
other in separate processes so that one's caches and connections cannot flatter another.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Explicit list: add a benchmark here when you add its script.
BENCHMARKS: list[str] = [
    "sociallogin_login.py",
    "kakaosync_login.py",
    "kakaosync_webhook.py",
    "keymap_mapping.py",
    "keymap_linked_lookup.py",
    "keymap_overhead.py",
]


def main(names: list[str]) -> int:
    failed = 0
    for script in BENCHMARKS:
        if names and not any(n in script for n in names):
            continue
        print(f"\n=== {script} ===", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / script)], cwd=HERE.parent)
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
