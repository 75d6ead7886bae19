"""The CPU time of processes, read in ``/proc/<pid>/stat`` (proc(5)): the benchmarks that
measure what a request or a batch costs (``load.py cost``, ``reminders.py``)."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pids: list[int], *, children: bool = False) -> float:
    """User + system CPU of these processes, with their reaped children's if ``children``
    (a process gone in between counts for nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14 to 17 of proc(5)
        total += sum(int(field) for field in fields[11 : 15 if children else 13])
    return total / os.sysconf("SC_CLK_TCK")


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """The CPU spent between two readings of ``cpu_by_pid``: a process started in between counts
    from zero, one gone in between for nothing (its last seconds are unknown, never negative)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """``cpu_seconds`` of each process still there, by pid."""
    found = {}
    for pid in pids:
        if Path(f"/proc/{pid}").exists():
            found[pid] = cpu_seconds([pid])
    return found
