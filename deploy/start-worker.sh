#!/usr/bin/env bash
# Celery worker on the Redis broker. Several may run, on several machines.
set -euo pipefail
cd "$(dirname "$0")/.."
exec celery -A config worker --loglevel INFO --concurrency "${CELERY_CONCURRENCY:-2}"
