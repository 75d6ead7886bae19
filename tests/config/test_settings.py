"""Settings read the environment in one place; production secrets have no default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import BASE_DIR, VARIABLES, read

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "quartiers.example.gouv.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quartiers",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


def boot(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; settings.SECRET_KEY"],
        env={**clean, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_boots_with_every_secret() -> None:
    result = boot(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_secret(missing: str) -> None:
    result = boot({k: v for k, v in PRODUCTION_ENV.items() if k != missing})
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_development_needs_no_configuration() -> None:
    result = boot({"DJANGO_SETTINGS_MODULE": "config.settings.dev"})
    assert result.returncode == 0, result.stderr


def test_every_variable_is_documented_for_operators_and_developers() -> None:
    env_example = (Path(BASE_DIR) / "deploy" / "env.example").read_text(encoding="utf-8")
    readme = (Path(BASE_DIR) / "README.md").read_text(encoding="utf-8")
    for name in VARIABLES:
        assert f"{name}=" in env_example, name
        assert f"`{name}`" in readme, name


def test_reading_an_undeclared_variable_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="non déclarée"):
        read("QUARTIERS_UNKNOWN")
