"""Celery's broker and the cache never share a Redis database (config/redis_databases.py):
``cache.clear()`` is a ``FLUSHDB`` of the cache's database, and the queued reminders must
survive it. By default the broker is on the database ``REDIS_URL`` names, the cache on the next
one; ``CELERY_BROKER_URL`` and ``REDIS_CACHE_URL`` name others; a bad address stops the start
with a French message."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

import pytest
import redis
import yaml
from celery import Celery

from config.env import BASE_DIR, VARIABLES
from config.redis_databases import address, separate
from tests.notifications.test_faults import LOCK_FILE

REQUIRED = {
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "quartiers.example.gouv.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quartiers",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}
RESOLVED = (
    "import json, django; django.setup(); from django.conf import settings; from config.celery import app; "
    "print(json.dumps([settings.CACHES['default'].get('LOCATION'), settings.CELERY_BROKER_URL, app.conf.broker_url]))"
)


def boot(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A fresh process on the production settings with ``env`` only (none of this shell's)."""
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", RESOLVED],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", **REQUIRED, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def resolved(env: dict[str, str]) -> tuple[str, str, str]:
    result = boot(env)
    assert result.returncode == 0, result.stderr
    cache_location, broker, celery_broker = json.loads(result.stdout.strip().splitlines()[-1])
    return cache_location, broker, celery_broker


def env_example() -> dict[str, str]:
    """deploy/env.example as systemd's EnvironmentFile reads it (empty values included)."""
    lines = (BASE_DIR / "deploy" / "env.example").read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line and not line.startswith("#") and "=" in line]
    return {line.split("=", 1)[0]: line.split("=", 1)[1] for line in entries}


# --- the defaults ------------------------------------------------------------------------------


def test_the_broker_on_the_database_of_redis_url_the_cache_on_the_next() -> None:
    databases = separate("redis://127.0.0.1:6379/0")
    assert databases is not None
    assert (databases.broker, databases.cache) == ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1")
    # No database in the path is database 0; the password and TLS options are kept.
    databases = separate("rediss://:s3cret@redis.example:6380?ssl_cert_reqs=required")
    assert databases is not None
    assert databases.broker == "rediss://:s3cret@redis.example:6380?ssl_cert_reqs=required"
    assert databases.cache == "rediss://:s3cret@redis.example:6380/1?ssl_cert_reqs=required"


def test_the_deployment_files_give_two_databases() -> None:
    """env.example as the systemd units read it (REDIS_CACHE_URL and CELERY_BROKER_URL empty), then
    the REDIS_URL compose.yaml sets: the broker and Celery itself on 0, the cache on 1."""
    example = {**env_example(), **REQUIRED}
    assert example["REDIS_CACHE_URL"] == "" and example["CELERY_BROKER_URL"] == ""
    assert resolved(example) == ("redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0")
    compose = yaml.safe_load((BASE_DIR / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    redis_url = compose["x-app"]["environment"]["REDIS_URL"]
    assert resolved({**example, "REDIS_URL": redis_url}) == (
        "redis://redis:6379/1",
        "redis://redis:6379/0",
        "redis://redis:6379/0",
    )


def test_these_settings_keep_the_cache_out_of_the_brokers_database() -> None:
    cache_location = str(settings.CACHES["default"]["LOCATION"])
    # The reminders' fault tests queue on REDIS_URL and flush its database: the broker's alone.
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert address(cache_location, "cache") != address(settings.CELERY_BROKER_URL, "broker")


@pytest.mark.xdist_group("redis-flush")  # the reminders' fault tests flush the broker's database
def test_clearing_the_cache_leaves_the_queued_reminders(tmp_path: Path) -> None:
    """On the machine's Redis, at the databases these settings name: a reminder queued as the
    sweep queues it, a value in the cache, then ``cache.clear()``: the value is gone, the message
    still waits in the broker's database."""
    LOCK_FILE.touch(exist_ok=True)
    with LOCK_FILE.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        queue = f"cache-clear-{uuid.uuid4().hex[:10]}"
        producer = Celery(broker=settings.CELERY_BROKER_URL)
        producer.conf.task_serializer = "json"
        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        try:
            producer.send_task("notifications.reminders_send", args=[[1, 2, 3]], queue=queue)
            cache.set("redis-databases-probe", "gardé", timeout=60)
            assert broker.llen(queue) == 1
            assert cache.get("redis-databases-probe") == "gardé"
            cache.clear()
            assert cache.get("redis-databases-probe") is None
            assert broker.llen(queue) == 1
            message = json.loads(broker.lindex(queue, 0) or b"{}")
            assert message["headers"]["task"] == "notifications.reminders_send"
        finally:
            broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
            broker.close()
            producer.close()


# --- explicit databases ------------------------------------------------------------------------


def test_explicit_databases_are_honoured() -> None:
    env = {
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "REDIS_CACHE_URL": "redis://127.0.0.1:6379/5",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3",
    }
    assert resolved(env) == ("redis://127.0.0.1:6379/5", "redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3")
    # One of them alone: the other keeps its default.
    assert separate("redis://127.0.0.1:6379/4", cache_url="redis://cache.example:6379/0") == separate(
        "redis://127.0.0.1:6379/4", cache_url="redis://cache.example:6379/0", broker_url="redis://127.0.0.1:6379/4"
    )
    only_broker = separate("redis://127.0.0.1:6379/4", broker_url="redis://127.0.0.1:6379/9")
    assert only_broker is not None
    assert (only_broker.broker, only_broker.cache) == ("redis://127.0.0.1:6379/9", "redis://127.0.0.1:6379/5")
    # REDIS_URL on the last database, the cache given its own: accepted.
    last = separate("redis://127.0.0.1:6379/15", cache_url="redis://127.0.0.1:6379/14")
    assert last is not None and last.cache == "redis://127.0.0.1:6379/14"


def test_without_redis_the_embedded_mode_is_unchanged() -> None:
    assert separate("") is None


# --- bad addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("redis_url", "overrides", "message"),
    [
        ("http://127.0.0.1:6379/0", {}, "REDIS_URL : adresse Redis attendue, commençant par redis:// ou rediss://"),
        ("127.0.0.1:6379", {}, "REDIS_URL : adresse Redis attendue"),
        ("redis://127.0.0.1:port/0", {}, "REDIS_URL : adresse Redis illisible"),
        ("redis://127.0.0.1:6379/cache", {}, "REDIS_URL : la base Redis est un nombre après l'hôte et le port"),
        ("redis://127.0.0.1:6379/-1", {}, "REDIS_URL : la base Redis est un nombre"),
        ("redis://127.0.0.1:6379?db=2", {}, "indiquez la base Redis dans le chemin de l'adresse"),
        ("redis://127.0.0.1:6379/15", {}, "REDIS_URL désigne la base 15 : le cache prend la base suivante"),
        ("redis://127.0.0.1:6379/0", {"cache_url": "memcached://127.0.0.1"}, "REDIS_CACHE_URL : adresse Redis"),
        ("redis://127.0.0.1:6379/0", {"broker_url": "redis://h/x"}, "CELERY_BROKER_URL : la base Redis est un nombre"),
        (
            "redis://127.0.0.1:6379/0",
            {"cache_url": "redis://127.0.0.1:6379/0"},
            r"Le cache \(REDIS_CACHE_URL\) et le courtier Celery \(CELERY_BROKER_URL\) désignent la même base Redis "
            r"\(127.0.0.1:6379, base 0\)",
        ),
        (
            "redis://127.0.0.1:6379/2",
            {"broker_url": "redis://127.0.0.1/3"},  # the default port, the cache's derived database
            "désignent la même base Redis",
        ),
        ("", {"cache_url": "redis://127.0.0.1:6379/1"}, "REDIS_CACHE_URL complète REDIS_URL, qui est vide"),
    ],
)
def test_a_bad_address_is_refused_in_french(redis_url: str, overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        separate(redis_url, **overrides)


def test_a_refused_address_never_shows_its_password() -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        separate("redis://quartiers:s3cret@127.0.0.1:6379/nom")
    assert "s3cret" not in str(refused.value)
    assert "redis://quartiers:***@127.0.0.1:6379/nom" in str(refused.value)


def test_the_processes_refuse_to_start_on_a_bad_address() -> None:
    result = boot({"REDIS_URL": "redis://127.0.0.1:6379/0", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1"})
    assert result.returncode != 0
    assert "désignent la même base Redis (127.0.0.1:6379, base 1)" in result.stderr
    result = boot({"REDIS_URL": "redis://127.0.0.1:6379/quinze"})
    assert result.returncode != 0
    assert "REDIS_URL : la base Redis est un nombre" in result.stderr
