#!/usr/bin/env bash
# Web process: migrations, static files, then gunicorn (deploy/gunicorn.conf.py: 127.0.0.1:8000,
# workers from the CPU count; nginx in front). Both steps are idempotent: a restart is an upgrade.
set -euo pipefail
cd "$(dirname "$0")/.."
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
exec gunicorn -c deploy/gunicorn.conf.py
