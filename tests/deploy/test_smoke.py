"""Smoke test of deploy/: the real processes, started FROM the deploy files,
on loopback, as an operator runs them.

- a fresh PostgreSQL database on the machine's server, Redis databases 8 (Celery's broker) and 9
  (the cache), an SMTP sink (aiosmtpd, the helpers of the reminders' fault tests);
- ``deploy/start-web.sh`` (migrations, then gunicorn with ``deploy/gunicorn.conf.py``),
  ``deploy/start-worker.sh`` and ``deploy/start-beat.sh`` (the commands of the systemd units),
  all with ``config.settings.production`` and only the variables of ``deploy/env.example``;
- ``import_reference`` and ``seed_demo --force`` as documented;
- an agent logs in over HTTP (real CSRF token, secure cookies, ``X-Forwarded-Proto`` as nginx
  sends it), launches a renovation and completes its first task with an uploaded document;
- the campaign clock (``reminders_sweep --as-of --force``) moves to the eve of the 31 July 2019
  deadline: the worker sends the reminder and the sink receives it;
- every process is stopped by process group, also when the test fails (finalizer).

Static files: ``collectstatic`` is an install/upgrade step (deploy/README.md), not a start
step; its output is kept in ``var/smoke-static/`` between runs, keyed on uv.lock and the storage
(the first run on a machine collects 11,000 files, about a minute; later runs none).
"""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from config.env import BASE_DIR, VARIABLES
from tests.deploy.conftest import CreateDatabase
from tests.notifications.test_faults import LOCK_FILE, Sink, _Handler, free_port, wait_until
from tests.workflows.renewal.helpers import PDF

pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("redis-flush")]  # with the reminders' fault tests

DEPLOY = BASE_DIR / "deploy"
AGENT = "agent.nord@demo.quartiers.gouv.fr"


# --- the SMTP sink (the fault tests' handler, keeping the whole message) ----------------------


@dataclass
class MailSink(Sink):
    messages: list[email.message.EmailMessage] = field(default_factory=list)


class _KeepingHandler(_Handler):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        message = email.message_from_bytes(content, policy=email.policy.default)
        self.sink.messages.append(message)  # type: ignore[attr-defined]
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    from aiosmtpd.controller import Controller

    sink = MailSink(port=free_port())
    controller = Controller(_KeepingHandler(sink, delay=0.0), hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


# --- processes, each in its own process group -------------------------------------------------


@dataclass
class Processes:
    env: dict[str, str]
    logs: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, script: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            ["bash", str(DEPLOY / script)],
            cwd="/",  # the scripts find the project themselves
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's and celery's children too
        )
        self.running[name] = process
        return process

    def manage(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} : {result.stderr[-3000:]}"
        return result.stdout

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def stop_all(self) -> None:
        """SIGTERM to each group (gunicorn and celery stop their children), SIGKILL after 20 s."""
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.running.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # stragglers of the group, if any
            process.wait()

    def orphans(self) -> list[int]:
        """Processes still alive in the groups of the started processes."""
        alive = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) in {p.pid for p in self.running.values()}:
                        alive.append(int(entry.name))
                except ProcessLookupError:
                    pass
        return alive


def collected_static(env: dict[str, str]) -> Path:
    """STATIC_ROOT collected once per (uv.lock, storage, the project's own static files) on this
    machine, as an upgrade does."""
    key = hashlib.sha256((BASE_DIR / "uv.lock").read_bytes() + (BASE_DIR / "config" / "storage.py").read_bytes())
    for app in ("accounts", "api", "notifications", "reference", "workflows"):
        for path in sorted((BASE_DIR / app).glob("static/**/*")):
            if path.is_file():
                key.update(str(path.relative_to(BASE_DIR)).encode() + path.read_bytes())
    root = BASE_DIR / "var" / "smoke-static" / key.hexdigest()[:16]
    if not (root / "staticfiles.json").exists():
        partial = root.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=BASE_DIR,
            env={**env, "STATIC_ROOT": str(partial)},
            check=True,
            timeout=1800,
        )
        partial.rename(root)
    return root


@pytest.fixture
def processes(
    tmp_path: Path, mail_sink: MailSink, scratch_database: CreateDatabase, request: pytest.FixtureRequest
) -> Iterator[Processes]:
    # The fault tests of the reminders flush Redis: never at the same time as this test.
    LOCK_FILE.touch(exist_ok=True)
    with LOCK_FILE.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        web_port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
        env.update(
            {
                # Only what deploy/env.example lists, with production settings.
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": scratch_database("smoke"),
                "REDIS_URL": "redis://127.0.0.1:6379/8",
                "EMAIL_URL": f"smtp://127.0.0.1:{mail_sink.port}",
                "SITE_URL": f"http://127.0.0.1:{web_port}",
                "PRIVATE_MEDIA_ROOT": str(tmp_path / "media"),
                "GUNICORN_BIND": f"127.0.0.1:{web_port}",
                "GUNICORN_WORKERS": "2",
                "CELERY_CONCURRENCY": "1",
                "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "celerybeat-schedule"),
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            }
        )
        env["STATIC_ROOT"] = str(collected_static(env))
        the_processes = Processes(env=env, logs=tmp_path)
        try:
            yield the_processes
        finally:
            the_processes.stop_all()
            orphans = the_processes.orphans()
            for pid in orphans:
                os.kill(pid, signal.SIGKILL)
            assert not orphans, f"processus orphelins : {orphans}"


# --- an HTTP client as a browser behind nginx --------------------------------------------------


class Browser:
    """requests, with the cookies kept by hand: the production cookies are ``Secure`` and
    ``__Host-`` and the app is reached over plain HTTP on loopback, as nginx does after TLS
    (``X-Forwarded-Proto: https``)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.session = requests.Session()
        self.session.trust_env = False

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        for _ in range(5):
            headers = {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.7",
                "Referer": f"https://{urlsplit(self.base).netloc}{path}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            }
            response = self.session.request(
                method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
            )
            self.cookies.update({c.name: c.value for c in response.cookies if c.value})
            if response.status_code not in (301, 302, 303):
                return response
            path = urlsplit(response.headers["Location"]).path or "/"
            method, kwargs = "GET", {}
        raise AssertionError("trop de redirections")

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post_form(
        self, path: str, data: dict[str, str], files: dict[str, Any] | None = None, *, form_on: str | None = None
    ) -> requests.Response:
        """GET the page of the form (``form_on``, default ``path``), then POST it with its CSRF token."""
        page = self.get(form_on or path)
        assert page.status_code == 200, (path, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"pas de jeton CSRF sur {path}"
        return self.request("POST", path, data={"csrfmiddlewaretoken": token.group(1), **data}, files=files)


def test_deploy_files_run_the_product_end_to_end(processes: Processes, mail_sink: MailSink) -> None:
    started = time.monotonic()
    web = processes.start("web", "start-web.sh")  # migrate, then gunicorn -c deploy/gunicorn.conf.py
    base = processes.env["SITE_URL"]

    def web_up() -> bool:
        assert web.poll() is None, processes.log("web")
        try:
            return requests.get(base + "/connexion/", headers={"X-Forwarded-Proto": "https"}, timeout=20).ok
        except requests.RequestException:  # not listening yet, or a worker still importing Django
            return False

    assert wait_until(web_up, timeout=120), processes.log("web")
    print(f"smoke: web up after {time.monotonic() - started:.1f} s")
    worker = processes.start("worker", "start-worker.sh")  # they boot while the data is imported
    beat = processes.start("beat", "start-beat.sh")
    processes.manage("import_reference")
    demo = processes.manage("seed_demo", "--force")
    password = next(line.split()[-1] for line in demo.splitlines() if AGENT in line)

    # gunicorn: the configured workers, an access log with the client address from nginx.
    assert "Booting worker" in processes.log("web") and processes.log("web").count("Booting worker") == 2

    print(f"smoke: data imported after {time.monotonic() - started:.1f} s")
    browser = Browser(base)
    # Static files: hashed names from the collected manifest, served (whitenoise behind nginx).
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', browser.get("/connexion/").text)
    assert stylesheet, "pas de feuille de style hachée sur la page de connexion"
    assert browser.get(stylesheet.group(1)).status_code == 200
    home = browser.post_form("/connexion/", {"username": AGENT, "password": password})
    assert home.status_code == 200 and "/deconnexion/" in home.text, home.text[-2000:]
    assert {"__Host-sessionid", "__Host-csrftoken"} <= set(browser.cookies)
    assert "203.0.113.7" in processes.log("web")  # access log (X-Forwarded-For)

    # Launch the renovation of the Nord's first city contract, then complete its first task.
    with psycopg.connect(processes.env["DATABASE_URL"]) as db:
        row = db.execute(
            "SELECT c.code FROM reference_citycontract c JOIN reference_department d ON d.id = c.department_id "
            "WHERE d.code = '59' ORDER BY c.code LIMIT 1"
        ).fetchone()
    assert row is not None
    code = row[0]
    launched = browser.post_form(
        f"/contrats-de-ville/{code}/59/renovation/", {}, form_on="/departements/59/renovations/"
    )
    assert "La rénovation est lancée" in launched.text
    # The evaluation task: in « À traiter » if assigned to the agent, else in « File du département »;
    # each row links to the task's page, remembering the list it was opened from (?liste=…).
    lists = {"a-traiter": browser.get("/taches/").text, "file": browser.get("/taches/file/").text}
    assert "À traiter" in lists["a-traiter"] and "File du département" in lists["file"]
    task = next(
        (
            m
            for tab, page in lists.items()
            if (m := re.search(rf'href="(/circuits/\d+/taches/(\d+)/)\?liste={tab}&amp;pos=\d+&amp;tache=\2"', page))
        ),
        None,
    )
    assert task, "aucune tâche dans « À traiter » ni dans « File du département »"
    done = browser.post_form(
        task.group(1),
        {
            "evaluation_date": "2019-03-01",
            "evaluation_strengths": "Le programme de réussite éducative fonctionne.",
            "evaluation_improvements": "L'accès à l'emploi des jeunes reste insuffisant.",
            "councils_consulted_on": "2019-02-20",
            "councils_consulted": "Conseils citoyens de Lille-Sud",
        },
        files={"document": ("evaluation.pdf", PDF, "application/pdf")},
    )
    assert done.status_code == 200 and "est terminée" in done.text, done.text[-2000:]
    with psycopg.connect(processes.env["DATABASE_URL"]) as db:
        state = db.execute("SELECT state FROM workflows_renewal").fetchall()
    assert state == [("negotiation",)]
    assert list((Path(processes.env["PRIVATE_MEDIA_ROOT"]) / "renovations").glob("*/*.pdf"))

    # The campaign clock: the eve of the 31 July 2019 deadline of the case. The sweep writes the
    # outbox and queues on Redis; the worker sends through the sink.
    print(f"smoke: task completed after {time.monotonic() - started:.1f} s")
    swept = processes.manage("reminders_sweep", "--as-of", "2019-07-30", "--force")
    assert "Relances créées" in swept
    assert wait_until(
        lambda: any(AGENT in str(m["To"]) and code in str(m["Subject"]) for m in mail_sink.messages), timeout=60
    ), f"{[str(m['Subject']) for m in mail_sink.messages]}\n{processes.log('worker')[-3000:]}"
    assert worker.poll() is None and beat.poll() is None
    assert "beat: Starting" in processes.log("beat")
    with psycopg.connect(processes.env["DATABASE_URL"]) as db:
        statuses = db.execute("SELECT status, count(*) FROM notifications_reminder GROUP BY status").fetchall()
    sent = sum(n for status, n in statuses if status == "sent")
    assert sent >= 1, statuses

    processes.stop_all()
    assert web.returncode is not None and worker.returncode is not None and beat.returncode is not None
    assert not processes.orphans()
    print(f"smoke: {time.monotonic() - started:.1f} s, {len(mail_sink.messages)} courriel(s)")
