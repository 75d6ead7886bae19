"""The decision screens put « Votre décision » first in the page: a phone reads the panel on its
first screens, before the dossier, the history and the messages (it came about seven screens
down at 375 px); from the DSFR's lg breakpoint the site's CSS puts it back to the right of the
dossier (dossier 8 columns, decision 4). The renovation's prefect and CGET screens
(renewal_task.html) and the other cases' decision screen (decision.html)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

import pytest

from accounts.models import User
from reference.models import Department
from tests.clients import logged
from tests.workflows.renewal.helpers import open_task, renewal_in
from workflows.cases.runner import transition_run
from workflows.cases.tasks import process_of
from workflows.models import RenewalState
from workflows.paqte import services as paqte

pytestmark = pytest.mark.django_db

PANEL = '<div class="fr-col-12 fr-col-lg-4 quartiers-decision-panel">'
DOSSIER = '<div class="fr-col-12 fr-col-lg-8" id="dossier">'


def assert_decision_first(body: str, *dossier_texts: str) -> None:
    assert body.count(PANEL) == 1 and body.count(DOSSIER) == 1
    panel, heading, dossier = body.index(PANEL), body.index('id="decision-titre"'), body.index(DOSSIER)
    assert panel < heading < dossier  # the decision's heading and form, then the dossier
    # A phone's reader is told the dossier follows, with a link to it (hidden from lg on).
    assert (
        '<p class="fr-hidden-lg fr-text--sm"><a href="#dossier">Lire le dossier</a>, sous ce formulaire.</p>'
        in (body[panel:dossier])
    )
    for text in dossier_texts:
        assert body.index(text, dossier) > dossier, text


def test_the_prefect_and_the_cget_read_their_decision_before_the_renovation_s_dossier(
    people: dict[str, User],
) -> None:
    renewal = renewal_in(RenewalState.PREFECT_VALIDATION, agent=people["agent"], validator=people["validator"])
    task = open_task(renewal, "validate")
    body = logged(people["validator"]).get(f"/circuits/{task.process_id}/taches/{task.pk}/").content.decode()
    assert_decision_first(body, "Évaluation à mi-parcours", "Historique du dossier", "Messages et notes")
    assert "Valider le protocole et le transmettre au CGET" in body[body.index(PANEL) : body.index(DOSSIER)]

    renewal = renewal_in(
        RenewalState.CGET_REVIEW,
        agent=people["agent"],
        validator=people["validator"],
        referent=people["referent"],
        contract_index=1,
    )
    task = open_task(renewal, "review")
    body = logged(people["referent"]).get(f"/circuits/{task.process_id}/taches/{task.pk}/").content.decode()
    assert_decision_first(body, "Évaluation à mi-parcours", "Historique du dossier")
    assert "Approuver le protocole" in body[body.index(PANEL) : body.index(DOSSIER)]


def test_the_cget_reads_its_decision_before_the_referent_s_designation(people: dict[str, User]) -> None:
    designation = paqte.referent_save(
        user=people["agent"],
        department=Department.objects.get(code="59"),
        name="Claire Martin",
        function="Cheffe de projet",
        email="claire.martin@nord.gouv.fr",
        phone="0320000000",
    )
    transition_run(case=designation, user=people["agent"], name="send_to_validation")
    transition_run(case=designation, user=people["validator"], name="validate")
    process = process_of(designation)
    assert process is not None
    task = next(task for task in process.task_set.all() if task.flow_task.name == "review")
    body = logged(people["referent"]).get(f"/taches/{task.pk}/decision/").content.decode()
    assert_decision_first(body, "claire.martin@nord.gouv.fr")


def test_the_site_css_puts_the_decision_back_to_the_right_from_the_lg_breakpoint() -> None:
    css = (Path(settings.BASE_DIR) / "reference/static/quartiers/site.css").read_text()
    rule = re.search(r"@media \(min-width: 62em\) \{\s*\.quartiers-decision-panel \{\s*order: 1;\s*\}\s*\}", css)
    assert rule is not None
