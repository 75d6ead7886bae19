"""The Redis databases of Celery's broker and of the cache, from the one ``REDIS_URL``.

Django's ``RedisCache.clear()`` is a ``FLUSHDB``: it empties the whole database of the cache.
Were the broker's queues there (the reminders waiting for a worker, the unacknowledged
messages), an operator's ``cache.clear()`` would drop them. So the two never share a database:

- the broker on the database ``REDIS_URL`` names (``redis://hôte:6379/0``: database 0), where
  the queues of an existing installation already are;
- the cache on the next one (database 1);
- ``CELERY_BROKER_URL`` and ``REDIS_CACHE_URL``, when set, name their own (another server too);
  they complete ``REDIS_URL``, which still says that Redis is there.

The outbox in PostgreSQL is the truth (``notifications/sending.py``): a lost queue costs a
delay, not a reminder; this keeps that delay for real outages. Every check raises
``ImproperlyConfigured`` with a French message at start, before a process serves anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

SCHEMES = ("redis", "rediss")
# Redis has 16 databases unless its configuration says otherwise ("databases 16", 0 to 15).
DEFAULT_DATABASES = 16
DEFAULT_PORT = 6379


@dataclass(frozen=True)
class RedisDatabases:
    broker: str
    cache: str


@dataclass(frozen=True)
class _Address:
    host: str
    port: int
    database: int


def _shown(url: str) -> str:
    """The URL as a message may quote it: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:" if parts.username else ":"
    return urlunsplit(parts._replace(netloc=f"{user}***@{netloc}"))


def address(url: str, name: str) -> _Address:
    """Server and database of a Redis URL; anything else than ``redis[s]://hôte:port/N`` is refused."""
    example = "ex. redis://127.0.0.1:6379/0"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} : adresse Redis illisible, {example} (reçu : « {_shown(url)} »).") from None
    if parts.scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"{name} : adresse Redis attendue, commençant par redis:// ou rediss://, {example} "
            f"(reçu : « {_shown(url)} »)."
        )
    if any(key == "db" for key, _ in parse_qsl(parts.query)):
        raise ImproperlyConfigured(
            f"{name} : indiquez la base Redis dans le chemin de l'adresse, {example}, et non par « ?db= » "
            f"(reçu : « {_shown(url)} »)."
        )
    path = parts.path.strip("/")
    if path and not (path.isascii() and path.isdigit()):
        raise ImproperlyConfigured(
            f"{name} : la base Redis est un nombre après l'hôte et le port, {example} (reçu : « {_shown(url)} »)."
        )
    return _Address(host=(parts.hostname or "localhost"), port=port or DEFAULT_PORT, database=int(path or 0))


def _with_database(url: str, database: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def separate(redis_url: str, *, cache_url: str = "", broker_url: str = "") -> RedisDatabases | None:
    """The broker's and the cache's URLs, in two databases; ``None`` without Redis (embedded mode)."""
    if not redis_url:
        alone = [name for name, url in (("REDIS_CACHE_URL", cache_url), ("CELERY_BROKER_URL", broker_url)) if url]
        if alone:
            raise ImproperlyConfigured(
                f"{' et '.join(alone)} complète{'nt' if len(alone) > 1 else ''} REDIS_URL, qui est vide : "
                "renseignez REDIS_URL (ex. redis://127.0.0.1:6379/0) ou laissez "
                f"{'ces variables vides' if len(alone) > 1 else 'cette variable vide'}."
            )
        return None
    base = address(redis_url, "REDIS_URL")
    broker = broker_url or redis_url
    if broker_url:
        address(broker_url, "CELERY_BROKER_URL")
    if cache_url:
        address(cache_url, "REDIS_CACHE_URL")
    else:
        following = base.database + 1
        if following >= DEFAULT_DATABASES:
            raise ImproperlyConfigured(
                f"REDIS_URL désigne la base {base.database} : le cache prend la base suivante ({following}), "
                f"que Redis n'a pas par défaut ({DEFAULT_DATABASES} bases, de 0 à {DEFAULT_DATABASES - 1}). "
                f"Choisissez une base de 0 à {DEFAULT_DATABASES - 2} dans REDIS_URL, ou donnez au cache la sienne "
                "dans REDIS_CACHE_URL."
            )
        cache_url = _with_database(redis_url, following)
    shared = address(broker, "CELERY_BROKER_URL")
    if address(cache_url, "REDIS_CACHE_URL") == shared:
        raise ImproperlyConfigured(
            "Le cache (REDIS_CACHE_URL) et le courtier Celery (CELERY_BROKER_URL) désignent la même base Redis "
            f"({shared.host}:{shared.port}, base {shared.database}) : vider le cache viderait la file des relances. "
            "Donnez-leur deux bases différentes."
        )
    return RedisDatabases(broker=broker, cache=cache_url)
