"""Private service instances for the fault tests: a PostgreSQL cluster and a Redis
server of their own (on free loopback ports, in temporary directories), and gunicorn on them.
The machine's shared PostgreSQL and Redis are never stopped: other test runs use them.

Also a small web client that logs in and works like an agent (the same form handling as the
locust scenario, ``benchmarks/load/htmlform.py``), recording every response."""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from config.env import BASE_DIR
from tests.notifications.test_faults import free_port

# benchmarks/load.py (the runner) shadows the benchmarks/load/ folder as a package: load the
# form helper of the locust scenario from its file.
_spec = importlib.util.spec_from_file_location("htmlform", BASE_DIR / "benchmarks" / "load" / "htmlform.py")
assert _spec is not None and _spec.loader is not None
htmlform = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(htmlform)
form_data, with_values = htmlform.form_data, htmlform.with_values

# --- PostgreSQL -----------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class PrivatePostgres:
    """``initdb`` + ``pg_ctl`` in a temporary directory. PostgreSQL refuses to run as root:
    then the cluster belongs to the ``postgres`` system user."""

    bin: Path
    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], check=check, capture_output=True, text=True, timeout=60)

    def init(self) -> None:
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        initdb = str(self.bin / "initdb")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = str(self.directory / "log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash: no checkpoint, the next start replays the WAL."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def copy_database(self, source_url: str, name: str) -> None:
        """The whole database (schema, reference data, the test's rows) by pg_dump | pg_restore."""
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "-Fc", "--no-owner", "-d", source_url],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [str(self.bin / "pg_restore"), "--no-owner", "-d", f"{self.url}/{name}"],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )


def private_postgres() -> PrivatePostgres:
    bin_dir = postgres_bin()
    assert bin_dir is not None
    server = PrivatePostgres(bin=bin_dir, directory=Path(tempfile.mkdtemp(prefix="quartiers-pg-")))
    server.init()
    server.start()
    return server


# --- Redis ----------------------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# --- gunicorn -------------------------------------------------------------------------------------


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(settings_body: str, directory: Path, workers: int = 2) -> Gunicorn:
    """gunicorn on a free loopback port with ``settings_body`` as its settings module (written
    to ``directory``); DEBUG is off there, as in production."""
    module = f"faultweb_{os.getpid()}_{free_port()}"
    (directory / f"{module}.py").write_text(settings_body, encoding="utf-8")
    port = free_port()
    log = directory / f"{module}.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": f"{directory}{os.pathsep}{BASE_DIR}"}
    process = subprocess.Popen(
        [
            *(str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "30"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    server = Gunicorn(port=port, process=process, log=log)
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            requests.get(f"{server.url}/connexion/", timeout=20)
            return server
        except requests.RequestException:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer: {log.read_text()[-2000:]}")


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# --- a web agent ----------------------------------------------------------------------------------


@dataclass
class Hit:
    started: float
    ended: float
    method: str
    url: str
    status: int  # 0: no HTTP response at all
    body: str


@dataclass
class WebAgent:
    """One person in a browser: logs in, then repeats ``step`` until told to stop."""

    base: str
    email: str
    password: str
    hits: list[Hit] = field(default_factory=list)
    completed_at: list[float] = field(default_factory=list)
    session: requests.Session = field(default_factory=requests.Session)

    def request(self, method: str, path: str, data: list[tuple[str, str]] | None = None) -> Hit:
        started = time.monotonic()
        try:
            response = self.session.request(method, self.base + path, data=data, allow_redirects=False, timeout=20)
            status, body = response.status_code, response.text
        except requests.RequestException as exc:
            status, body = 0, repr(exc)
        hit = Hit(started, time.monotonic(), method, path, status, body)
        self.hits.append(hit)
        return hit

    def login(self) -> None:
        page = self.request("GET", "/connexion/")
        fields = with_values(form_data(page.body) or [], username=self.email, password=self.password)
        response = self.request("POST", "/connexion/", fields)
        assert response.status == 302, response.body[:500]

    def work(self, renewal_pk: int, process_pk: int, decision: dict[str, str]) -> None:
        """Open the case, take its task if it is mine to take, submit the task form as rendered."""
        page = self.request("GET", f"/renovations/{renewal_pk}/")
        found = re.search(rf"/circuits/{process_pk}/taches/(\d+)/", page.body) if page.status == 200 else None
        if not found:
            return
        task_pk = found.group(1)
        claim = f"/taches/{task_pk}/prendre/"
        if claim in page.body:
            self.request("POST", claim, form_data(page.body, claim) or [])
        url = f"/circuits/{process_pk}/taches/{task_pk}/"
        form = self.request("GET", url)
        fields = form_data(form.body) if form.status == 200 else None
        if fields is None:
            return
        done = self.request("POST", url, with_values(fields, **decision))
        if done.status == 302:
            self.completed_at.append(done.ended)

    def loop(self, step: Callable[[WebAgent], None], stop: threading.Event) -> threading.Thread:
        def run() -> None:
            while not stop.is_set():
                step(self)
                time.sleep(0.05)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread
