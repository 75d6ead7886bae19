#!/usr/bin/env bash
# Celery beat: exactly one in the whole installation (it only enqueues; the sweep it triggers
# takes a lock, so a second beat started by mistake sends nothing twice).
set -euo pipefail
cd "$(dirname "$0")/.."
exec celery -A config beat --loglevel INFO --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/quartiers-celerybeat-schedule}"
