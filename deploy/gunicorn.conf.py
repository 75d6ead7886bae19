"""Gunicorn settings of the web process: ``gunicorn -c deploy/gunicorn.conf.py``.

Used by ``deploy/start-web.sh``, hence by the systemd unit, the compose file and the smoke test
(``tests/deploy/test_smoke.py``). The bind address and the number of workers come from the
environment through ``config/env.py`` (the one place that reads it).
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # gunicorn reads this file before it changes directory
    sys.path.insert(0, str(ROOT))

from config.env import read  # noqa: E402

wsgi_app = "config.wsgi:application"
chdir = str(ROOT)

# nginx in front, on the same machine: loopback only.
bind = [str(read("GUNICORN_BIND", default="127.0.0.1:8000"))]
# Sync workers, the usual (2 × cores) + 1: requests are short and mostly wait on PostgreSQL.
workers = int(read("GUNICORN_WORKERS", cast=int, default=multiprocessing.cpu_count() * 2 + 1))  # type: ignore[call-overload]
worker_class = "sync"
# A request longer than this is killed and logged (the heaviest page, the semester export,
# takes a few seconds); nginx's proxy_read_timeout is a little longer.
timeout = 60
graceful_timeout = 30  # a restart lets running requests finish
keepalive = 5  # nginx keeps connections to the upstream open
# Recycle workers now and then (memory growth in long-lived processes), at staggered times.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall (gunicorn's FAQ, "blocking os.fchmod").
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108

# Logs on stdout/stderr: journald (systemd) or docker collects them. The access log gives the
# real client address (X-Forwarded-For from nginx) and the duration in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = str(read("DJANGO_LOG_LEVEL", default="INFO")).lower()
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(D)sus "%(f)s" "%(a)s"'
# Only nginx, on loopback, is trusted for X-Forwarded-* headers.
forwarded_allow_ips = "127.0.0.1"
proc_name = "quartiers-web"
