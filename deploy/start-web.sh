#!/usr/bin/env bash
# Web process: pending migrations (idempotent), then gunicorn (deploy/gunicorn.conf.py:
# 127.0.0.1:8000, workers from the CPU count; nginx in front).
# collectstatic is NOT run here: it is an install/upgrade step (deploy/README.md), because it
# post-processes 11,000 files (about a minute) and a restart after a crash must be quick.
set -euo pipefail
cd "$(dirname "$0")/.."
python manage.py migrate --noinput
exec gunicorn -c deploy/gunicorn.conf.py
