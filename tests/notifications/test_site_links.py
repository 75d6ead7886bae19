"""Links in emails and calendar feeds use the address served: the run command sets SITE_URL from
its port (scripts/run.sh, served_site_url in scripts/lib.sh)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

from django.core import mail

import pytest

from accounts.models import Role
from notifications.ical import deadlines_calendar
from notifications.reminders import reminders_sweep
from notifications.services import deadline_sync_for_case
from notifications.tasks import reminders_send_task
from reference.models import CityContract, Department
from tests.conftest import MakeUser

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://localhost:8000"),
        ({"PORT": "8123"}, "http://localhost:8123"),
        ({"SITE_URL": "https://q.gouv.fr"}, "https://q.gouv.fr"),
    ],
)
def test_the_run_command_serves_its_links_from_its_port(env: dict[str, str], expected: str) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "SITE_URL"}}
    out = subprocess.run(
        ["bash", "-c", f'source "{ROOT}/scripts/lib.sh"; served_site_url'],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == expected
    assert 'SITE_URL="$(served_site_url)"' in (ROOT / "scripts" / "run.sh").read_text()


@pytest.mark.django_db
def test_an_emails_and_a_feeds_links_use_the_configured_site_url(
    settings: Any, make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "http://localhost:8123"
    agent = make_user(Role.AGENT, "59")
    contract = CityContract.objects.filter(department=nord).order_by("code").first()
    assert contract is not None
    deadline = deadline_sync_for_case(
        case=contract,
        definition_code="city-contract-renewal",
        department=nord,
        title=f"Rénovation du contrat de ville {contract.code}",
        link_path="/renovations/1/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(today=dt.date(2019, 7, 24), enqueue=lambda ids: reminders_send_task.delay(ids))
    message = next(m for m in mail.outbox if m.to == [agent.email])
    assert "http://localhost:8123/renovations/1/" in str(message.body)
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert 'href="http://localhost:8123/renovations/1/"' in str(html)
    assert "localhost:8000" not in str(message.body) + str(html)
    feed = deadlines_calendar([deadline] if deadline is not None else []).decode()
    assert "http://localhost:8123/renovations/1/" in feed.replace("\r\n ", "")
