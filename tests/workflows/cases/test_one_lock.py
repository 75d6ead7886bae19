"""One lock of a case (``workflows.cases.locks.case_locked``), taken by the runner and by every
form write outside a transition, in one order (the case row, then its process row): no case kind,
nor the accounts or notifications apps, locks a case row by itself. The rows locked elsewhere are
not cases: an absence cover (``accounts.covers``) and a deadline (``notifications.services``).
Inside the kernel, only the lock itself (``locks``) and the task glue (``tasks``: the process and
task rows, after the case's; ``flows``: viewflow's lock) lock rows: the parties' services
(``party_services``) take ``case_locked`` as every case kind does."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NOT_CASES = {"accounts/covers.py", "notifications/services.py"}
KERNEL_LOCKS = {"workflows/cases/locks.py", "workflows/cases/tasks.py", "workflows/cases/flows.py"}


def test_only_the_kernel_takes_row_locks_of_cases() -> None:
    found = []
    for package in ("workflows", "accounts", "notifications"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in KERNEL_LOCKS or relative in NOT_CASES:
                continue
            if "select_for_update" in path.read_text(encoding="utf-8"):
                found.append(relative)
    assert found == []
