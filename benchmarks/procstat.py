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
