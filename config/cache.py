"""The Redis cache, with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every
operation: its constructor fills a table of some two hundred response callbacks, about a
tenth of a millisecond each time, five times on every inbox page (the versions and counts of
``workflows.inbox.counts``). A redis-py client is safe to share between threads and takes its
connections from the pool, which reconnects after a fork or a lost connection, so one client
per pool serves every operation of the process.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _SharedClient(RedisCacheClient):
    """One client for writes and one for reads (with read replicas, each process keeps the one
    it drew first: the processes still spread over them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[bool, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        client = self._clients.get(write)
        if client is None:
            client = self._clients[write] = super().get_client(key, write=write)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClient
