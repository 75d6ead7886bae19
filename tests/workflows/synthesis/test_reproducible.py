"""Reproducible figures: a synthesis transmitted on the campaign's synthesis date keeps its
renovation table (snapshot); recomputed later from the renovations' histories « as of » its
transmission, on the replayed 2019 campaign (``campaign_replay``), it is identical, although the
renovations have moved on since; each cell of the frozen table links to the list of the
contracts it counted then, with as many rows."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.core.management import call_command
from django.test import Client, override_settings

import pytest

from accounts.models import User
from notifications.campaign import campaign_calendar, campaign_clock_set, campaign_today
from reference.models import CityContract, Department
from workflows.cases.runner import transition_run
from workflows.management.commands.demo_campaign import DEMO, Demo
from workflows.synthesis import services as synthesis_services
from workflows.synthesis.models import Synthesis
from workflows.synthesis.selectors import renovation_recomputed, renovation_state

pytestmark = pytest.mark.django_db

FULL = ["evaluate", "build_protocol", "validate", "approve", "sign"]
PARTS = {
    "steps_taken": "Réunion des maires et des présidents d'EPCI.",
    "measures": "Dédoublement des classes de CP et CE1 en REP+, emplois francs.",
    "renovation_deadline": "Protocoles en négociation ; signature prévue avant l'échéance.",
    "difficulties": "Mobilisation inégale des intercommunalités.",
}
LINK = re.compile(r'href="(/pilotage/tableau-de-bord/chiffres/[a-z0-9-]+/\?synthese=\d+)"[^>]*>(\d+)<')


def test_the_synthesis_transmitted_on_the_date_recomputed_later_is_identical() -> None:
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    calendar = campaign_calendar()
    due = calendar.synthesis
    demo = Demo(calendar, io.StringIO())
    nord = Department.objects.get(code="59")
    contracts = list(CityContract.objects.filter(department=nord).order_by("code")[:6])
    start = calendar.starts_on + dt.timedelta(days=7)
    # Before the synthesis date: renovations at different steps (each step on its own day).
    early = [
        demo.renovation("nord", contracts[0], FULL[:2], start),
        demo.renovation("nord", contracts[1], FULL[:1], start),
    ]
    demo.renovation("nord", contracts[2], [], start)
    # The synthesis is transmitted on the campaign's synthesis date: its table is frozen.
    agent, validator = (User.objects.get(email=f"{name}.nord{DEMO}") for name in ("agent", "valideur"))
    with demo.on(due - dt.timedelta(days=1)):
        synthesis = synthesis_services.synthesis_save(user=agent, department=nord, year=due.year, **PARTS)
        synthesis = transition_run(user=agent, case=synthesis, name="send_to_validation")
    with demo.on(due):
        synthesis = transition_run(user=validator, case=synthesis, name="validate")
    snapshot = synthesis.renovation_snapshot
    assert snapshot is not None and snapshot["computed_on"] == due.isoformat()
    counts = {row["state"]: row["count"] for row in snapshot["rows"]}
    assert (counts["prefect_validation"], counts["negotiation"], counts["evaluation"]) == (1, 1, 1)

    # The campaign goes on: replayed day by day, the renovations move, new ones are signed.
    with override_settings(DEBUG=True):
        call_command(
            "campaign_replay",
            "--from",
            (due + dt.timedelta(days=1)).isoformat(),
            "--to",
            (due + dt.timedelta(days=10)).isoformat(),
            "--quiet-days",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    day = due + dt.timedelta(days=12)
    demo.renovation_step("nord", early[0], "validate", day)
    demo.renovation_step("nord", early[1], "build_protocol", day)
    demo.renovation("nord", contracts[3], FULL, due + dt.timedelta(days=2))
    demo.renovation("nord", contracts[4], FULL[:3], due + dt.timedelta(days=2))
    later = calendar.renewal_signature + dt.timedelta(days=30)
    campaign_clock_set(later)
    assert campaign_today() == later

    live = renovation_state(department=nord, today=later)
    synthesis.refresh_from_db()
    recomputed = renovation_recomputed(synthesis=synthesis)
    assert live.as_json() != snapshot  # the live table has moved on…
    assert recomputed.as_json() == snapshot  # …the recomputation as of the transmission has not

    # Each cell of the frozen table lists exactly the contracts it counted then.
    client = Client()
    client.force_login(User.objects.get(email=f"referent.cget{DEMO}"))
    page = client.get(synthesis.get_absolute_url()).content.decode()
    links = LINK.findall(page.replace("&amp;", "&"))
    assert len(links) == 2 * (len(snapshot["rows"]) + 1)
    for url, value in links:
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["items"]) == int(value), url


def test_the_demo_campaign_s_frozen_table_is_the_histories_of_its_day() -> None:
    """The run command's demo: the Nord's synthesis, transmitted in March, froze the table its
    renovations' histories show that day, although they were signed later."""
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("demo_campaign", stdout=io.StringIO())
    synthesis = Synthesis.objects.get(department__code="59", year=campaign_calendar().synthesis.year)
    assert synthesis.renovation_snapshot is not None
    live = renovation_state(department=synthesis.department, today=campaign_today())
    assert live.as_json() != synthesis.renovation_snapshot
    assert renovation_recomputed(synthesis=synthesis).as_json() == synthesis.renovation_snapshot
