#!/usr/bin/env python
"""Run django-allauth's own test suite with the plugin installed as the README says.

    python scripts/allauth_suite.py            # allauth's suite, plugin installed
    python scripts/allauth_suite.py --baseline # allauth's suite on allauth's own settings
    python scripts/allauth_suite.py -- tests/apps/socialaccount/test_signup.py  # pytest args

allauth's tests are not in its wheel: the sdist of exactly ``ALLAUTH_VERSION`` is downloaded
once into the cache directory (``$ALLAUTH_SUITE_CACHE``, else ``var/allauth-suite`` in this
checkout, ignored by git), with a virtualenv holding allauth's test requirements. The plugin
is imported from this checkout (``PYTHONPATH``), never installed there.

The settings are ``scripts/allauth_host/settings.py``: allauth's ``tests.projects.regular``
plus the recipe of "Add it to your shop". Every failure is matched against
``allauth_suite_expected.toml`` (beside this file), where each group of tests names the README
policy that makes allauth's expectation wrong for a shop. Exit status: 0 when exactly the
listed tests fail; 1 when a test fails that is not listed, or a listed one passes (the list
is stale: remove it); 2 when the suite could not run.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ALLAUTH_VERSION = "65.22.1"
ROOT = Path(__file__).resolve().parent.parent
EXPECTED_FILE = Path(__file__).resolve().parent / "allauth_suite_expected.toml"
PLUGIN_SETTINGS = "allauth_host.settings"
BASELINE_SETTINGS = "tests.projects.regular.settings"

# allauth's test requirements (its noxfile's, SAML left out as in allauth's CI), and the
# plugin's runtime dependencies (pyproject.toml).
REQUIREMENTS = [
    f"django-allauth[mfa,openid,socialaccount,steam,idp-oidc,headless]=={ALLAUTH_VERSION}",
    "Django>=5.2,<5.3",
    "pytest>=8.3.5,<9",
    "pytest-asyncio==1.3.0",
    "pytest-django>=4.11,<4.13",
    "pytest-xdist>=3.5",
    "Pillow>=9.0",
    "pyyaml>=6.0.2,<7",
    "psycopg[binary]>=3.1",
    "djangorestframework>=3.15.2,<4",
    "django-ninja>=1.3.0,<2",
    "requests>=2.31",
    "pyjwt[crypto]>=2.8",
    "cryptography>=42",
]

# Collected on the pytest controller (also under xdist, where workers' reports arrive there).
REPORT_PLUGIN = """
import json, os

_results = {}


def pytest_runtest_logreport(report):
    nodeid = report.nodeid
    if report.when == "call" or report.outcome != "passed":
        previous = _results.get(nodeid)
        if previous is not None and previous["outcome"] in ("failed", "error"):
            return  # a teardown error after a failure: keep the failure
        outcome = report.outcome
        if report.when != "call" and outcome == "failed":
            outcome = "error"
        crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
        message = getattr(crash, "message", None) or (
            str(report.longrepr).strip().splitlines()[-1] if report.longrepr else ""
        )
        _results[nodeid] = {"outcome": outcome, "message": message}


def pytest_collectreport(report):
    if report.failed:
        _results[report.nodeid] = {"outcome": "error", "message": str(report.longrepr)[-300:]}


def pytest_sessionfinish(session):
    if getattr(session.config, "workerinput", None) is not None:
        return  # an xdist worker: the controller writes the report
    with open(os.environ["ALLAUTH_SUITE_REPORT"], "w") as fh:
        json.dump(_results, fh)
"""


def cache_dir() -> Path:
    return Path(os.environ.get("ALLAUTH_SUITE_CACHE") or ROOT / "var" / "allauth-suite")


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def ensure_source(cache: Path) -> Path:
    """allauth's sdist, unpacked: its ``tests`` package and pytest configuration."""
    source = cache / f"django_allauth-{ALLAUTH_VERSION}"
    if (source / "tests" / "conftest.py").exists():
        return source
    archive = cache / f"django_allauth-{ALLAUTH_VERSION}.tar.gz"
    if not archive.exists():
        print(f"downloading the django-allauth {ALLAUTH_VERSION} sdist", flush=True)
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-binary",
                ":all:",
                "--no-deps",
                "--dest",
                str(cache),
                f"django-allauth=={ALLAUTH_VERSION}",
            ]
        )
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return source


def ensure_venv(cache: Path) -> Path:
    venv = cache / "venv"
    python = venv / "bin" / "python"
    stamp = venv / ".requirements"
    wanted = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print("installing allauth's test requirements into", venv, flush=True)
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    run([str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS])
    stamp.write_text(wanted)
    return python


def run_suite(
    python: Path, source: Path, cache: Path, settings: str, workers: str, extra: list[str]
) -> dict[str, dict[str, str]]:
    plugin_dir = cache / "report_plugin"
    plugin_dir.mkdir(exist_ok=True)
    (plugin_dir / "allauth_suite_report.py").write_text(REPORT_PLUGIN)
    report = cache / f"report-{os.getpid()}.json"
    env = dict(os.environ)
    # allauth's source first: its ``tests`` package, not this checkout's.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(source), str(ROOT), str(ROOT / "scripts"), str(plugin_dir)]
    )
    env["ALLAUTH_SUITE_REPORT"] = str(report)
    cmd = [str(python), "-m", "pytest", "-p", "no:cacheprovider", "-p", "allauth_suite_report"]
    cmd += ["-q", "--no-header", "-p", "no:warnings", f"--ds={settings}"]
    if workers != "0":
        cmd += ["-n", workers]
    # The whole suite, unless the extra arguments name its tests themselves.
    cmd += extra if any(a.startswith("tests/") for a in extra) else ["tests/", *extra]
    proc = subprocess.run(cmd, cwd=source, env=env, stdout=subprocess.PIPE, text=True)
    if not report.exists():
        sys.stdout.write(proc.stdout[-5000:])
        print(f"allauth's suite did not run (pytest exit {proc.returncode})", file=sys.stderr)
        sys.exit(2)
    results: dict[str, dict[str, str]] = json.loads(report.read_text())
    report.unlink()
    return results


def _matches(nodeid: str, pattern: str) -> bool:
    # Node ids hold brackets (parametrised tests): only a pattern with "*" is a glob.
    return fnmatch.fnmatchcase(nodeid, pattern) if "*" in pattern else nodeid == pattern


def load_expected() -> list[dict[str, object]]:
    with EXPECTED_FILE.open("rb") as fh:
        return list(tomllib.load(fh)["group"])


def _reason(message: str) -> str:
    # One line, without the numbers and ids that differ between tests of one cause.
    line = (message.strip().splitlines() or [""])[0]
    return re.sub(r"\b\d+\b|0x[0-9a-f]+", "N", line)[:160]


def report(results: dict[str, dict[str, str]], expected: list[dict[str, object]] | None) -> int:
    failed = {k: v for k, v in results.items() if v["outcome"] in ("failed", "error")}
    passed = [k for k, v in results.items() if v["outcome"] == "passed"]
    skipped = sum(1 for v in results.values() if v["outcome"] == "skipped")
    # Not pytest's closing-line shape: expected failures are no failure of this run.
    print(f"\nallauth's tests: passed {len(passed)}, failed {len(failed)}, skipped {skipped}")
    if expected is None:
        groups: dict[str, list[str]] = {}
        for nodeid, result in failed.items():
            groups.setdefault(_reason(result["message"]), []).append(nodeid)
        for reason, ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"\n{len(ids)} tests: {reason}")
            for nodeid in sorted(ids):
                print(f"    {nodeid}")
        return 1 if failed else 0

    unexpected: dict[str, list[str]] = {}
    stale: list[tuple[str, str]] = []
    matched: dict[int, list[str]] = {i: [] for i in range(len(expected))}
    for nodeid, result in failed.items():
        for i, group in enumerate(expected):
            if any(_matches(nodeid, p) for p in group["tests"]):  # type: ignore[attr-defined]
                matched[i].append(nodeid)
                break
        else:
            unexpected.setdefault(_reason(result["message"]), []).append(nodeid)
    for i, group in enumerate(expected):
        for pattern in group["tests"]:  # type: ignore[attr-defined]
            hits = [p for p in passed if _matches(p, pattern)]
            stale.extend((pattern, hit) for hit in hits)
            if not hits and not any(_matches(f, pattern) for f in matched[i]):
                stale.append((pattern, "(no such test failed)"))

    print("\nexpected failures, by the README policy they follow:")
    for i, group in enumerate(expected):
        print(f"  {len(matched[i]):4d}  {group['id']}: {group['policy']}")
        print(f"        README: {group['readme']}")
    for reason, ids in sorted(unexpected.items(), key=lambda kv: -len(kv[1])):
        print(f"\nUNEXPECTED {len(ids)} tests: {reason}")
        for nodeid in sorted(ids):
            print(f"    {nodeid}")
    if stale:
        print("\nSTALE expected failures (they passed or did not fail: update the list):")
        for pattern, hit in stale:
            print(f"    {pattern}: {hit}")
    ok = not unexpected and not stale
    print("\nallauth suite:", "only the expected failures" if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", action="store_true", help="allauth's own settings")
    parser.add_argument("-n", dest="workers", default="2", help="pytest-xdist workers (0: off)")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args()
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    source = ensure_source(cache)
    python = ensure_venv(cache)
    settings = BASELINE_SETTINGS if args.baseline else PLUGIN_SETTINGS
    started = time.monotonic()
    results = run_suite(python, source, cache, settings, args.workers, args.pytest_args)
    print(f"allauth {ALLAUTH_VERSION} suite with {settings}: {time.monotonic() - started:.0f} s")
    # A partial run (-k, a file) checks its failures against the list but cannot judge it
    # stale; the baseline has no list: any failure there is allauth's own.
    expected = None if args.baseline else load_expected()
    if expected is not None and args.pytest_args:
        return _partial(results, expected)
    return report(results, expected)


def _partial(results: dict[str, dict[str, str]], expected: list[dict[str, object]]) -> int:
    ran = set(results)
    trimmed = []
    for group in expected:
        tests = [
            p
            for p in group["tests"]  # type: ignore[attr-defined]
            if any(_matches(r, p) for r in ran)
        ]
        if tests:
            trimmed.append({**group, "tests": tests})
    return report(results, trimmed)


if __name__ == "__main__":
    sys.exit(main())
