"""Where a login's CPU goes: CPU seconds of each part of the machine over one Locust run.

A profiler shows where one app server spends its time; this shows which *process* spends
the machine's time (app servers, PostgreSQL, Redis, nginx, each sandbox, the load
generator). The load benchmark is CPU-bound on a small machine, so CPU milliseconds per
login by part say what a login costs the whole stack, side by side for both projects.
"""

from __future__ import annotations

import resource
from collections import defaultdict
from typing import Any

import psutil

PARTS = (
    "app servers",
    "PostgreSQL",
    "Redis",
    "nginx",
    "Kakao sandbox",
    "partner sandbox",
    "load generator",
)


def _part(proc: psutil.Process) -> str | None:
    name = proc.name()
    if name.startswith("postgres"):
        return "PostgreSQL"
    if name.startswith("redis-server"):
        return "Redis"
    if name.startswith("nginx"):
        return "nginx"
    cmdline = " ".join(proc.cmdline())
    if "gunicorn" in cmdline:
        return "app servers"
    if "devtools.sandboxes.kakao" in cmdline:
        return "Kakao sandbox"
    if "devtools.sandboxes.partner" in cmdline:
        return "partner sandbox"
    return None


def _children_cpu() -> float:
    # Locust is a child this process waits for: its time lands in RUSAGE_CHILDREN.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


Snapshot = tuple[dict[int, tuple[str, float]], float, Any]


def snapshot() -> Snapshot:
    """CPU seconds so far of every process of a known part, of waited-for children, and of
    the whole machine."""
    seen: dict[int, tuple[str, float]] = {}
    for proc in psutil.process_iter():
        try:
            part = _part(proc)
            if part is None:
                continue
            times = proc.cpu_times()
            seen[proc.pid] = (part, times.user + times.system)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return seen, _children_cpu(), psutil.cpu_times()


def spent(before: Snapshot) -> dict[str, float]:
    """CPU seconds per part since ``before`` (processes started since count from zero);
    ``idle`` and ``machine`` are the whole machine's idle and all CPU seconds."""
    then, children_then, machine_then = before
    now, children_now, machine_now = snapshot()
    total: defaultdict[str, float] = defaultdict(float)
    for pid, (part, seconds) in now.items():
        earlier = then.get(pid)
        total[part] += seconds - (earlier[1] if earlier and earlier[0] == part else 0.0)
    total["load generator"] += children_now - children_then
    idle = (machine_now.idle + machine_now.iowait) - (machine_then.idle + machine_then.iowait)
    total["idle"] = idle
    total["machine"] = sum(machine_now) - sum(machine_then)
    return dict(total)
