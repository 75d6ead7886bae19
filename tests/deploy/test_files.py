"""The deploy files say what deploy/README.md says: checked as text, since the
test machine runs neither systemd services nor nginx nor docker compose (the smoke test runs the
start scripts and gunicorn.conf.py for real)."""

from __future__ import annotations

import configparser
import multiprocessing
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.env import BASE_DIR
from workflows.renewal.services import MAX_DOCUMENT_SIZE

DEPLOY = BASE_DIR / "deploy"
UNITS = ["quartiers-web", "quartiers-worker", "quartiers-beat"]
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "CapabilityBoundingSet": "",
}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / f"{name}.service", encoding="utf-8")
    return parser


@pytest.mark.parametrize("name", UNITS)
def test_systemd_units_run_the_start_scripts_hardened(name: str) -> None:
    service = unit(name)["Service"]
    assert service["ExecStart"] == f"/opt/quartiers/deploy/start-{name.split('-')[1]}.sh"
    assert (DEPLOY / f"start-{name.split('-')[1]}.sh").stat().st_mode & 0o111
    assert service["EnvironmentFile"] == "/etc/quartiers/env"
    assert service["User"] == "quartiers" and service["Restart"] in {"on-failure", "always"}
    for option, value in HARDENING.items():
        assert service[option] == value, option
    assert service["ReadWritePaths"] == "/var/lib/quartiers"


def test_exactly_one_beat_everywhere() -> None:
    beat = (DEPLOY / "systemd" / "quartiers-beat.service").read_text(encoding="utf-8")
    assert "EXACTLY ONE beat" in beat
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert compose["services"]["beat"]["deploy"]["replicas"] == 1
    for name in ("web", "worker"):  # no embedded beat anywhere else (celery worker --beat)
        assert "--beat" not in " ".join(compose["services"][name]["command"])
    assert "--beat" not in (DEPLOY / "start-worker.sh").read_text(encoding="utf-8")
    assert "Un seul beat" in (DEPLOY / "README.md").read_text(encoding="utf-8")


def test_compose_has_every_process_on_the_same_files() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "nginx"} <= set(services)
    assert services["web"]["command"] == ["deploy/start-web.sh"]
    assert services["worker"]["command"] == ["deploy/start-worker.sh"]
    assert services["beat"]["command"] == ["deploy/start-beat.sh"]
    assert services["web"]["build"]["dockerfile"] == "deploy/Dockerfile"
    nginx_volumes = " ".join(services["nginx"]["volumes"])
    assert "./nginx.conf:" in nginx_volumes and "media" not in nginx_volumes  # documents via the app only


def test_nginx_never_serves_uploaded_files_and_limits_bodies_to_the_upload_limit() -> None:
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    directives = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    served = re.findall(r"^\s*(?:alias|root)\s+(\S+);", directives, flags=re.MULTILINE)
    assert served == ["/var/www/acme", "/var/lib/quartiers/static/"]  # ACME challenge, STATIC_ROOT: nothing else
    assert not any("media" in path for path in served)
    assert re.search(r"location /media/ \{\s*return 404;", directives)
    size = re.search(r"client_max_body_size (\d+)m;", directives)
    assert size is not None
    limit = int(size.group(1)) * 1024 * 1024
    assert MAX_DOCUMENT_SIZE < limit <= MAX_DOCUMENT_SIZE + 1024 * 1024  # the file + its form
    assert "Strict-Transport-Security" in directives and "X-Forwarded-Proto $scheme" in directives
    assert "ssl_certificate " in directives and "ssl_certificate_key " in directives


def test_gunicorn_conf_workers_from_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert conf["bind"] == ["127.0.0.1:8000"] and conf["timeout"] == 60 and conf["accesslog"] == "-"
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 3


def test_gunicorn_accepts_the_conf() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", str(DEPLOY / "gunicorn.conf.py")],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "PATH": str(Path(sys.executable).parent),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh", "start-web.sh", "start-worker.sh", "start-beat.sh"])
def test_scripts_parse(script: str) -> None:
    assert subprocess.run(["bash", "-n", str(DEPLOY / script)], check=False).returncode == 0
