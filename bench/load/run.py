#!/usr/bin/env python
"""``make bench-load``: Kakao logins under load, the shop against plain allauth, same run.

1. Plain allauth (``bench/allauth_minimal``) and the shop, each as ``make stack`` serves it
   (PostgreSQL, Redis, ``--servers`` gunicorn servers of ``--workers`` workers, nginx), both
   up at once, take turns (``--rounds``, ``--duration`` seconds per side in all) under
   ``--users`` shoppers doing Kakao logins (new and returning) with Locust headless:
   logins/s, p50, p99, and the ratio to plain allauth. The shop takes two turns per round:
   as the demo runs it (custom storage: the partner is asked at every social login) and
   keeping its customers itself (built-in storage), switched through ``storeconfig``. Each
   side runs once with the page the login lands on (the demo's account page; allauth's
   one-line page) and once for the login alone, up to the redirect there.
2. CPU milliseconds per login by part of the machine (app servers, PostgreSQL, Redis, nginx,
   sandboxes, Locust) for each side, from the same turns (``bench/load/cpu.py``).
3. The shop alone with the rest of the sale's mix: in-app automatic login (``prompt=none``)
   and store-ID logins through the partner (custom storage).
4. Queries per login on PostgreSQL (pg_stat_statements around logins run one at a time).
5. py-spy samples one app server of the shop during step 1 (``--profile``): its top frames.
6. Both projects at 1, 2 and 4 workers (``--scaling``), taking turns as in step 1.

Everything listens on 127.0.0.1 and is bounded by ``--duration`` per run.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from stack import Stack  # noqa: E402

from bench.load import cpu, flows  # noqa: E402

KAKAO_MIX = ["KakaoNewShopper", "KakaoReturningShopper"]
SALE_MIX = ["InAppShopper", "StoreIdShopper"]
LOCUST = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless"]


def warm_up(stack: Stack, users: int, seconds: int, out: Path) -> None:
    """An unmeasured run first: every worker imports and connects before the clock starts."""
    run_locust(stack, [*KAKAO_MIX, *SALE_MIX] if stack.project == "shop" else KAKAO_MIX,
               users, seconds, out / "warm", report=False)  # fmt: skip


def run_locust(
    stack: Stack,
    classes: list[str],
    users: int,
    seconds: int,
    out: Path,
    report: bool = True,
    landing: bool = True,
) -> dict:
    """Locust against the stack's proxy; per login name: count, fails, logins/s, p50, p99.

    ``landing=False``: each login ends at the redirect to the landing page (not fetched).
    """
    out.mkdir(parents=True, exist_ok=True)
    env = {**stack.env, "KAKAO_SANDBOX_URL": stack.sandbox_urls["kakao"]}
    env["BENCH_LANDING"] = "1" if landing else "0"
    prefix = out / f"{stack.project}-{'-'.join(classes)}-{stack.servers}x{stack.workers}"
    prefix = prefix.with_name(prefix.name + ("" if landing else "-alone"))
    subprocess.run(
        [
            *LOCUST, "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
            "--host", stack.url, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
            "--loglevel", "ERROR", *classes,
        ],
        cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    rows: dict[str, dict[str, float]] = {}
    if not report:
        return rows
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            name = row["Name"] if row["Type"] == "LOGIN" else "all"
            if row["Type"] not in ("LOGIN", "") and row["Name"] != "Aggregated":
                continue
            rows[name] = {
                "n": float(row["Request Count"]),
                "fails": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    with open(f"{prefix}_failures.csv") as f:
        for row in csv.DictReader(f):
            print(f"    failures: {row['Occurrences']} x {row['Name']}: {row['Error'][:150]}")
    return rows


def _signup(session: requests.Session, target: flows.Target) -> str:
    flows.kakao_account(session, target)
    return flows.kakao_login(session, target)


def queries_per_login(stack: Stack, flow: str, n: int = 5) -> float:
    """Statements PostgreSQL ran per login (BEGIN/COMMIT excluded), logins one at a time."""
    import psycopg

    target = flows.Target(stack.url, stack.sandbox_urls["kakao"])
    session = requests.Session()
    session.headers.update({"User-Agent": flows.BROWSER_UA, "X-Forwarded-For": "10.255.0.1"})
    run = {
        "kakao signup": lambda: _signup(session, target),
        "kakao returning": lambda: flows.kakao_login(session, target),
        "kakao in-app prompt=none": lambda: flows.inapp_auto_login(session, target),
        "store ID (custom storage)": lambda: flows.store_id_login(
            session, target, "gamer123", "gamer-pass-123"
        ),
    }[flow]
    if flow != "kakao signup" and flow != "store ID (custom storage)":
        flows.kakao_account(session, target)
        flows.kakao_login(session, target)
        flows.shop_logout(session)
    run()  # warm: the connections and caches of a running shop
    flows.shop_logout(session)
    sql = (
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d "
        "ON d.oid = s.dbid WHERE d.datname = current_database() AND s.query NOT ILIKE "
        "'%pg_stat_statements%' AND upper(s.query) NOT IN ('BEGIN', 'COMMIT', 'ROLLBACK')"
    )
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("SELECT pg_stat_statements_reset()")
        for _ in range(n):
            run()
            flows.shop_logout(session)
        row = conn.execute(sql).fetchone()
    return float(row[0] if row else 0) / n


def safe_queries(stack: Stack, flow: str) -> float:
    try:
        return queries_per_login(stack, flow)
    except (flows.FlowError, requests.RequestException) as exc:
        print(f"    queries of {flow}: the login failed ({exc})")
        return float("nan")


def profile(stack: Stack, seconds: int, out: Path) -> subprocess.Popen[bytes] | None:
    """py-spy on every worker of the first app server, in the background: samples of threads
    holding the GIL, i.e. where the workers spend CPU (waits on PostgreSQL, Redis or HTTP are
    in the CPU table, on the other processes)."""
    if not shutil.which("py-spy") and not (Path(sys.executable).parent / "py-spy").exists():
        print("  (py-spy not installed: no profile)")
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    master = stack._app_procs[0].pid
    return subprocess.Popen(
        [
            spy, "record", "--pid", str(master), "--subprocesses", "--gil",
            "--duration", str(seconds),
            "--rate", "50", "--format", "raw", "--output", str(out / "profile.txt"),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def top_frames(path: Path, n: int = 12) -> list[str]:
    """Inclusive and own share of samples per function, from py-spy's raw (collapsed) output."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    views: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_frame(f) for f in stack_text.split(";") if "(" in f]
        for frame in set(frames):
            inclusive[frame] += count
        if frames:
            own[frames[-1]] += count
            packages[_package(frames[-1])] += count
        views[_view(frames)] += count
    if not total:
        return ["no samples"]
    lines = [f"{total} samples; by view (middleware and the handler apart):"]
    lines += [f"  {c / total:6.1%}  {v}" for v, c in views.most_common(8)]
    lines.append("own time by package:")
    lines += [f"  {c / total:6.1%}  {p}" for p, c in packages.most_common(8)]
    lines.append("own time (leaf frames):")
    lines += [f"  {c / total:6.1%}  {f}" for f, c in own.most_common(n)]
    lines.append("inclusive time, below 90 % (below the WSGI stack):")
    wide = [(f, c) for f, c in inclusive.most_common() if c / total < 0.9]
    lines += [f"  {c / total:6.1%}  {f}" for f, c in wide[:n]]
    return lines


# Decorators and generic wrappers between Django's handler and the view that does the work.
_WRAPPERS = ("wrapper", "inner (", "View.as_view", "dispatch (django", "_multi_decorate")


def _view(frames: list[str]) -> str:
    """The view a sample is in: the first frame below Django's handler that is no wrapper."""
    below = [i for i, f in enumerate(frames) if f.startswith("BaseHandler._get_response ")]
    if not below:
        inside = any(f.startswith("WSGIHandler.__call__ ") for f in frames)
        return "(middleware, request and response)" if inside else "(gunicorn, outside Django)"
    rest = frames[below[-1] + 1 :]
    for frame in rest:
        if not any(w in frame for w in _WRAPPERS):
            return frame
    return "(middleware, request and response)"


def _package(frame: str) -> str:
    where = frame.rpartition(" (")[2].rstrip(")")
    top = where.split("/", 1)[0]
    # py-spy names files relative to their sys.path entry: tell ours and installed from stdlib.
    site = Path(sysconfig.get_paths()["purelib"])
    if "/" in where and ((site / top).is_dir() or (ROOT / top).is_dir()):
        return top
    return "python (stdlib)"


def _frame(text: str) -> str:
    func, _, where = text.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    return f"{func} ({where})"


def merge(rounds: list[dict]) -> dict[str, dict[str, float]]:
    """Rounds of one side: counts summed, logins/s averaged, p50 the median of the rounds'
    p50, p99 the worst round's p99; CPU seconds per part summed."""
    merged: dict[str, dict[str, float]] = {}
    cpu_spent: dict[str, float] = {}
    for turn in rounds:
        for part, seconds in turn.get("cpu", {}).items():
            cpu_spent[part] = cpu_spent.get(part, 0.0) + seconds
    if cpu_spent:
        merged["cpu"] = cpu_spent
    for name in {name for rows in rounds for name in rows} - {"cpu"}:
        rows = [r[name] for r in rounds if name in r]
        merged[name] = {
            "n": sum(r["n"] for r in rows),
            "fails": sum(r["fails"] for r in rows),
            "rps": sum(r["rps"] for r in rows) / len(rounds),
            "p50": statistics.median(r["p50"] for r in rows),
            "p99": max(r["p99"] for r in rows),
        }
    return merged


def table_row(label: str, row: dict[str, float] | None, base: float | None = None) -> str:
    if not row:
        return f"  {label:<50} no data"
    ratio = f"  {row['rps'] / base:5.2f}x" if base else ""
    return (
        f"  {label:<50} {row['rps']:7.1f}/s  p50 {row['p50']:6.0f} ms  p99 {row['p99']:6.0f} ms"
        f"  {int(row['n']):5d} logins {int(row['fails']):3d} failed{ratio}"
    )


# The sides of the comparison: plain allauth, the shop as the demo runs it (its customers in
# the partner's user database), and the shop keeping its customers itself; each once with
# the landing page a login redirects to (the demo's account page with its orders, coupons
# and points; allauth's one-line page) and once for the login alone, up to that redirect.
SIDES: dict[str, tuple[str, str | None, bool]] = {
    "plain allauth": ("allauth_minimal", None, True),
    "shop, custom storage": ("shop", "custom", True),
    "shop, built-in storage": ("shop", "builtin", True),
    "plain allauth, login alone": ("allauth_minimal", None, False),
    "shop, custom, login alone": ("shop", "custom", False),
    "shop, built-in, login alone": ("shop", "builtin", False),
}
GROUPS = {
    "login and its landing page": list(SIDES)[:3],
    "the login alone, up to the redirect to the landing page": list(SIDES)[3:],
}
SHAPES = ((1, 1), (1, 2), (2, 2))


def set_storage(stack: Stack, storage: str | None) -> None:
    """The shop's user database mode, saved as an admin would (in force on every server at
    its next request)."""
    if storage is None or getattr(stack, "storage", None) == storage:
        return
    section = {"storage": storage, "account_linking": storage == "custom"}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "storeconfig", "import", "-"],
        input=json.dumps({"keymap": section}).encode(), env=stack.env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    stack.storage = storage  # type: ignore[attr-defined]


def measured_turn(
    stack: Stack, storage: str | None, landing: bool, users: int, seconds: int, out: Path
) -> dict:
    """One side's turn: Locust's rows and the CPU seconds each part of the machine spent."""
    set_storage(stack, storage)
    before = cpu.snapshot()
    rows = run_locust(stack, KAKAO_MIX, users, seconds, out, landing=landing)
    rows["cpu"] = dict(cpu.spent(before))
    return rows


def take_turns(
    stacks: dict[str, Stack], sides: list[str], rounds: int, users: int, seconds: int, out: Path
) -> dict[str, dict]:
    """Every side in every round, the order rotating, so that a busier minute of a shared
    machine does not land on one side only; then each side's rounds merged."""
    turns: dict[str, list[dict]] = {side: [] for side in sides}
    for r in range(rounds):
        order = sides[r % len(sides) :] + sides[: r % len(sides)]
        for side in order:
            project, storage, landing = SIDES[side]
            rows = measured_turn(
                stacks[project], storage, landing, users, seconds, out / f"round{r}"
            )
            turns[side].append(rows)
            print(table_row(f"round {r + 1} {side}", rows.get("all")), flush=True)
    return {side: merge(rows) for side, rows in turns.items()}


def equal_terms(stacks: dict[str, Stack]) -> str:
    """Each project's database, cache and session settings as its servers load them
    (``config.engines.describe``); no ratio is worth printing when they differ."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from config.engines import describe; print(describe(settings))"
    )
    terms = {
        name: subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for name, stack in stacks.items()
    }
    if len(set(terms.values())) != 1:
        lines = "\n".join(f"  {name}: {line}" for name, line in terms.items())
        sys.exit(f"unequal terms, no ratio printed:\n{lines}")
    return f"equal terms on both sides: {terms['shop']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=12, help="concurrent shoppers (12)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per side (30)")
    parser.add_argument("--rounds", type=int, default=3, help="turns per side (3)")
    parser.add_argument("--warm", type=int, default=8, help="unmeasured seconds first (8)")
    parser.add_argument("--servers", type=int, default=2, help="app servers (2)")
    parser.add_argument("--workers", type=int, default=2, help="workers per server (2)")
    parser.add_argument("--no-scaling", dest="scaling", action="store_false")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-load-"))
    shape = f"{args.servers} servers x {args.workers} workers"
    print(f"{args.users} shoppers, {args.duration} s per side, {shape}, nginx, PostgreSQL, Redis")
    with_landing = GROUPS["login and its landing page"]
    queries: dict[str, dict[str, float]] = {side: {} for side in with_landing}
    kakao_flows = ["kakao signup", "kakao returning"]
    sale_flows = ["kakao in-app prompt=none", "store ID (custom storage)"]
    piece = max(10, args.duration // args.rounds)
    scaling: dict[int, dict[str, dict]] = {}
    with ExitStack() as running:
        stacks: dict[str, Stack] = {}
        for project in ("allauth_minimal", "shop"):
            print(f"[{project}] starting the stack", flush=True)
            stacks[project] = running.enter_context(
                Stack(
                    project=project, servers=args.servers, workers=args.workers, trusted_proxies=2
                )
            )
            warm_up(stacks[project], args.users, args.warm, out)
        print(equal_terms(stacks), flush=True)
        shop = stacks["shop"]
        set_storage(shop, "custom")  # as seeded: the demo's partner user database
        sides = list(SIDES)
        spy_seconds = len(sides) * args.rounds * (piece + 6)
        spy = profile(shop, spy_seconds, out) if args.profile else None
        results = take_turns(stacks, sides, args.rounds, args.users, piece, out)
        if spy is not None:
            spy.wait(timeout=spy_seconds + 60)
        for side in queries:
            project, storage, _landing = SIDES[side]
            set_storage(stacks[project], storage)
            for flow in kakao_flows:
                queries[side][flow] = safe_queries(stacks[project], flow)
        set_storage(shop, "custom")
        results["sale"] = run_locust(shop, SALE_MIX, args.users, args.duration, out)
        for flow in sale_flows:
            queries["shop, custom storage"][flow] = safe_queries(shop, flow)
        if args.scaling:
            # Both projects at each shape, taking turns as above (the shop as the demo runs it).
            pair = ["plain allauth", "shop, custom storage"]
            for servers, workers in SHAPES:
                for project in ("allauth_minimal", "shop"):
                    stacks[project].start_servers(servers, workers)
                    warm_up(stacks[project], args.users, args.warm, out)
                print(f"[{servers} x {workers}]", flush=True)
                scaling[servers * workers] = take_turns(
                    stacks, pair, 2, args.users, piece, out / f"scale{servers}x{workers}"
                )
    report(args, shape, results, queries, scaling, out)
    return 0


def cpu_table(sides: list[str], results: dict[str, dict]) -> None:
    print("  CPU milliseconds per login, by part of the machine (same turns):")
    print(f"  {'':<18}" + "".join(f"{side:>29}" for side in sides))
    for part in (*cpu.PARTS, "total"):
        cells = []
        for side in sides:
            spent, logins = results[side].get("cpu", {}), results[side].get("all", {}).get("n")
            parts = [spent.get(p, 0.0) for p in cpu.PARTS]
            seconds = sum(parts) if part == "total" else spent.get(part, 0.0)
            cells.append(f"{1000 * seconds / logins:29.1f}" if logins else f"{'-':>29}")
        print(f"  {part:<18}" + "".join(cells))
    cells = []
    for side in sides:
        spent = results[side].get("cpu", {})
        share = spent.get("idle", 0.0) / spent["machine"] if spent.get("machine") else 0.0
        cells.append(f"{share:29.0%}")
    print(f"  {'machine idle':<18}" + "".join(cells))


def report(
    args: argparse.Namespace,
    shape: str,
    results: dict[str, dict],
    queries: dict[str, dict[str, float]],
    scaling: dict[int, dict[str, dict]],
    out: Path,
) -> None:
    for group, sides in GROUPS.items():
        base = results[sides[0]]
        print(f"\n=== Kakao logins under load, {group}: {args.users} shoppers, {shape} ===")
        print("  (ratio = logins/s / plain allauth, same turns; goal >= 0.9)")
        for name in ["all", "kakao signup", "kakao returning"]:
            b = base.get(name, {}).get("rps")
            for side in sides:
                ratio_base = b if side != sides[0] else None
                print(table_row(f"{side:<28}{name}", results[side].get(name), ratio_base))
        cpu_table(sides, results)
    print("\n=== the rest of the sale (shop, custom storage) ===")
    for name in ["all", "kakao in-app prompt=none", "store ID (custom storage)"]:
        print(table_row(f"shop           {name}", results["sale"].get(name)))
    print("\n=== PostgreSQL statements per login (every request of it; BEGIN/COMMIT excluded) ===")
    for side, counts in queries.items():
        for flow, count in counts.items():
            print(f"  {side:<24} {flow:<28} {count:6.1f}")
    if scaling:
        print("\n=== Kakao logins at 1, 2 and 4 workers (1x1, 1x2, 2x2), taking turns ===")
        for workers, by_side in scaling.items():
            b = by_side["plain allauth"].get("all", {}).get("rps")
            for side, rows in by_side.items():
                ratio_base = b if side != "plain allauth" else None
                print(table_row(f"{workers} worker(s) {side}", rows.get("all"), ratio_base))
    if (out / "profile.txt").exists():
        print("\n=== py-spy (--gil: CPU): one app server of the shop during the Kakao runs ===")
        print("\n".join(top_frames(out / "profile.txt")))
    print(f"\nLocust CSVs and the raw profile: {out}")


if __name__ == "__main__":
    sys.exit(main())
