"""The embedded default (SQLite) never answers "database is locked": WAL, immediate transactions
and a busy timeout (config/settings/base.py). Four renovation tasks are completed from four
threads while the reminder sweep holds the write lock for three seconds, on a real SQLite file
in a child process (the test settings use PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from config.env import BASE_DIR


def test_task_completions_wait_for_the_sweep_instead_of_failing(tmp_path: Path) -> None:
    services = {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL", "EMAIL_URL"}
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", *services}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'quartiers.sqlite3'}",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "media"),
    )
    run = subprocess.run(
        [sys.executable, str(BASE_DIR / "tests" / "config" / "sqlite_busy_script.py")],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["journal"] == "wal"
    assert result["errors"] == []
    assert result["states"] == ["negotiation"] * 4
    # They waited for the sweep's lock (they did not fail fast), well within the 20 s timeout.
    assert max(result["waited"]) > 1.0
