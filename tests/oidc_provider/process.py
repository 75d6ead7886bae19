"""Start and stop the test OpenID provider (tests/oidc_provider/server.py) from the test process."""

from __future__ import annotations

import json
import os
import secrets
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60  # seconds: migrations of a fresh SQLite file and an RSA key


@dataclass(frozen=True)
class Provider:
    url: str  # http://127.0.0.1:<port>
    client_id: str
    client_secret: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def endpoint(self, path: str) -> str:
        return f"{self.issuer}/{path}"


@contextmanager
def provider_running(workdir: Path, *, users: list[dict[str, Any]], rp_origins: list[str]) -> Iterator[Provider]:
    """The provider in a process of its own, on a port of its own (one per pytest-xdist worker),
    registered for the relying party at each origin of ``rp_origins``; killed on exit."""
    client_id, client_secret = f"quartiers-{secrets.token_hex(4)}", secrets.token_urlsafe(32)
    client = {
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uris": [f"{origin}/oidc/callback/" for origin in rp_origins],
        "post_logout_redirect_uris": [f"{origin}/connexion/" for origin in rp_origins],
    }
    config = workdir / "provider.json"
    config.write_text(
        json.dumps({"database": str(workdir / "provider.sqlite3"), "client": client, "users": users}), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    log = (workdir / "provider.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.server", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    try:
        port = _wait_ready(process, workdir / "provider.log")
        provider = Provider(url=f"http://127.0.0.1:{port}", client_id=client_id, client_secret=client_secret)
        response = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        yield provider
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def _wait_ready(process: subprocess.Popen[str], log: Path) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le fournisseur OpenID de test s'est arrêté :\n{log.read_text(encoding='utf-8')}")
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if line.startswith("READY "):
                return int(line.split()[1])
    raise RuntimeError(f"le fournisseur OpenID de test n'a pas démarré :\n{log.read_text(encoding='utf-8')}")
