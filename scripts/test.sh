#!/usr/bin/env bash
# The whole test suite: lint, types, migrations, deploy checks, then pytest on the real
# PostgreSQL and Redis of this machine (started if they are not running) and Chromium.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_uv
sync_deps
ensure_postgres
ensure_database quartiers
ensure_redis
ensure_chromium
ensure_poppler

say "ruff"
ruff check .
ruff format --check .

say "mypy"
mypy .

say "Contrats d'import (import-linter : noyau, couches, pas de cycle)"
lint-imports

say "Migrations manquantes"
DJANGO_SETTINGS_MODULE=config.settings.test python manage.py makemigrations --check --dry-run

say "check --deploy (réglages de production)"
DJANGO_SETTINGS_MODULE=config.settings.production \
  DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  DJANGO_ALLOWED_HOSTS="quartiers.example.gouv.fr" \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/quartiers" \
  REDIS_URL="redis://127.0.0.1:6379/0" \
  EMAIL_URL="smtp://127.0.0.1:25" \
  python manage.py check --deploy --fail-level WARNING

say "pytest"
# loadgroup: the tests that flush Redis (xdist_group « redis-flush ») run in one process, one
# after the other; every other test goes to whichever process is free.
python -m pytest -n 2 --dist loadgroup --durations=25 "$@"
