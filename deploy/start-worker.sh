#!/usr/bin/env bash
# Celery worker on the Redis broker. Several may run, on several machines.
set -euo pipefail
cd "$(dirname "$0")/.."
# Threads: sending waits on the network (benchmarks/RESULTS.md: 2 workers x 16 threads send
# 100,000 reminders in under 5 minutes); one PostgreSQL connection per thread.
exec celery -A config worker --loglevel INFO --pool threads --concurrency "${CELERY_CONCURRENCY:-16}"
