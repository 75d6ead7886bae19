#!/usr/bin/env bash
# Runs Quartiers on http://localhost:8000. No configuration: SQLite, emails in the console,
# a Celery worker with beat on a filesystem queue (var/celery/). With DATABASE_URL / REDIS_URL
# set: PostgreSQL, and a Celery worker with beat on Redis started beside the web server (Celery's
# broker on REDIS_URL's database, the cache on the next one: config/redis_databases.py).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_uv
sync_deps --no-dev --inexact
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
# Links in emails and calendar feeds point at the address served (PORT=8123 → localhost:8123).
SITE_URL="$(served_site_url)"
export SITE_URL
# The embedded broker's folders before anything sends to it: the demo campaign's events go to
# the Celery queue (without them, each was sent at once, after a traceback in the log).
mkdir -p var/celery/queue var/celery/control

say "Base de données : migrations"
# The embedded database of an earlier version may hold a migration history that is no longer
# the project's (it was written anew once, before any release): it is set aside, not half-migrated.
if [ -z "${DATABASE_URL:-}" ] && [ -f db.sqlite3 ] && ! python - <<'PY'
import sys

import django

django.setup()
from django.db import connection
from django.db.migrations.loader import MigrationLoader

loader = MigrationLoader(connection)
ours = {"accounts", "notifications", "reference", "workflows"}
sys.exit(1 if any(app in ours and key not in loader.disk_migrations for key in loader.applied_migrations for app in [key[0]]) else 0)
PY
then
  aside="db.sqlite3.ancien-$(date +%Y%m%d%H%M%S)"
  mv db.sqlite3 "$aside"
  say "Base de démonstration d'une version précédente mise de côté ($aside) ; nouvelle base créée"
fi
python manage.py migrate --noinput
say "Données de référence"
python manage.py import_reference
say "Comptes de démonstration"
python manage.py seed_demo
say "Campagne 2019 de démonstration (Nord, Pas-de-Calais) et date de la campagne"
python manage.py demo_campaign

# Reminders need a worker and beat in every mode. With Redis: a worker with beat on
# it. Without (embedded default): the same on kombu's filesystem transport under var/celery/,
# one process (--pool solo), emails to the console. Stopped when this script exits.
if [ -n "${REDIS_URL:-}" ]; then
  say "Celery (worker et beat) sur ${CELERY_BROKER_URL:-$REDIS_URL} ; cache sur ${REDIS_CACHE_URL:-la base Redis suivante}"
  celery -A config worker --beat --loglevel INFO --concurrency 2 --schedule var/celery/beat-schedule &
else
  say "Celery (worker et beat) intégré : file d'attente dans var/celery/, courriels dans la console"
  celery -A config worker --beat --loglevel INFO --pool solo --schedule var/celery/beat-schedule &
fi
CELERY_PID=$!
trap 'kill "$CELERY_PID" 2>/dev/null || true' EXIT

say "Quartiers sur http://localhost:${PORT:-8000} (Ctrl-C pour arrêter) ; liens des courriels : $SITE_URL"
python manage.py runserver "${PORT:-8000}"
