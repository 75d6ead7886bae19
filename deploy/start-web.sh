#!/usr/bin/env bash
# Web process: migrations, static files, then gunicorn on 127.0.0.1:8000 (nginx in front).
set -euo pipefail
cd "$(dirname "$0")/.."
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
exec gunicorn config.wsgi:application --bind "${GUNICORN_BIND:-127.0.0.1:8000}" \
  --workers "${GUNICORN_WORKERS:-4}" --timeout 60 --access-logfile - --error-logfile -
