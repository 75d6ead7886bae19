"""The cache as the pages use it (what is kept between requests: the inbox's counts, the early
warning's medians): a cache that does not answer — Redis stopped or unreachable — is a miss,
never an error. The page computes what it would have read and keeps nothing; the versions that
could not move start again from the clock once Redis comes back empty, and what is kept never
outlives its timeout (``workflows.inbox.counts``)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def _failed(action: str, error: Exception) -> None:
    logger.warning("cache_unavailable", extra={"action": action, "error": repr(error)})


def shared() -> bool:
    """A cache every process reads (Redis): one kept in a process's memory (the embedded default
    without Redis, whose Celery worker is another process) would not see what the others move,
    so nothing is kept there and everything is computed, as before there was a cache."""
    from django.conf import settings

    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return not backend.endswith(("LocMemCache", "DummyCache"))


def kept_get(key: str) -> Any:
    if not shared():
        return None
    try:
        return cache.get(key)
    except Exception as error:  # redis-py's connection and timeout errors, whatever the client
        _failed("get", error)
        return None


def kept_get_many(keys: list[str]) -> dict[str, Any]:
    if not shared():
        return {}
    try:
        return dict(cache.get_many(keys))
    except Exception as error:
        _failed("get_many", error)
        return {}


def kept_set(key: str, value: Any, *, timeout: int | None) -> None:
    if not shared():
        return
    try:
        cache.set(key, value, timeout=timeout)
    except Exception as error:
        _failed("set", error)


def version_of(key: str) -> Any:
    """A version read, started from the clock when missing (never a value an older key used)."""
    if not shared():
        return None
    found = kept_get(key)
    if found is not None:
        return found
    try:
        cache.add(key, time.time_ns(), timeout=None)
        return cache.get(key)
    except Exception as error:
        _failed("add", error)
        return None


def versions_of(keys: list[str]) -> list[Any]:
    """Several versions in one round trip (``version_of`` for each one missing)."""
    found = kept_get_many(keys)
    return [found[key] if key in found else version_of(key) for key in keys]


def version_move(key: str) -> None:
    if not shared():
        return
    try:
        cache.incr(key)
    except ValueError:  # never written, or evicted: from the clock
        kept_set(key, time.time_ns(), timeout=None)
    except Exception as error:
        _failed("incr", error)
