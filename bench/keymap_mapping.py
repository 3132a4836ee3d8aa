#!/usr/bin/env python
"""Mapping engine vs ``jsonpath-ng`` (paths parsed once) on the seed's example answer.

Both sides do the same work per answer: find the six mapped values, type-check and
normalise them (birthday, gender, server_custom_id); only the path lookup differs.
Target: keymap ≥ 10x faster.  ``python bench/keymap_mapping.py [--n N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from jsonpath_ng import parse  # noqa: E402

from devtools.sandboxes.partner.example import SEED_ANSWER as ANSWER  # noqa: E402
from devtools.sandboxes.partner.example import SEED_KEY_MAP as KEY_MAP  # noqa: E402
from keymap.mapping import _NORMALISERS, MappingError, compile_key_map, map_answer  # noqa: E402


def jsonpath_baseline(parsed: Sequence[tuple[str, str, Any]], answer: dict) -> dict:
    values = {}
    for attribute, path, expr in parsed:
        found = expr.find(answer)  # type: ignore[attr-defined]
        if not found:
            raise MappingError(attribute, path, "missing")
        value = found[0].value
        if value is not None:
            values[attribute] = _NORMALISERS[attribute](attribute, path, value)
    return values


def timed(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    compiled = compile_key_map(KEY_MAP)
    parsed = [(a, p, parse(p)) for a, p in KEY_MAP.items()]
    assert map_answer(compiled, ANSWER) == jsonpath_baseline(parsed, ANSWER)
    ours, base = [], []
    for _ in range(args.rounds):  # interleaved: the machine is noisy
        base.append(timed(lambda: jsonpath_baseline(parsed, ANSWER), args.n // 10))
        ours.append(timed(lambda: map_answer(compiled, ANSWER), args.n))
    o, b = statistics.median(ours), statistics.median(base)
    print(f"answers mapped per round: keymap {args.n}, jsonpath-ng {args.n // 10}")
    print(f"jsonpath-ng (pre-parsed) : {b * 1e6:8.2f} µs per answer")
    print(f"keymap engine            : {o * 1e6:8.2f} µs per answer")
    print(f"speed-up                 : {b / o:8.1f}x  (target ≥ 10x)")


if __name__ == "__main__":
    main()
