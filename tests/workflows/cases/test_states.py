"""The badge of a state or a task status: its tone read from the case kind's transition table
and final states (``workflows.cases.states``), rendered by one tag (``workflows.templatetags.badges``)."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template

import pytest
from viewflow.workflow.status import STATUS

from workflows.cases.registry import kind_of
from workflows.cases.states import state_tone, task_status_label, task_status_tone
from workflows.models import Renewal
from workflows.paqte.models import PaqteConvention, SemesterReport
from workflows.steering.models import Meeting
from workflows.synthesis.models import Synthesis


def test_a_final_or_terminal_state_is_done() -> None:
    assert state_tone(kind_of(Renewal), "signed") == "success"  # no way out of it in the table
    assert state_tone(kind_of(Meeting), "held") == "success"
    assert state_tone(kind_of(PaqteConvention), "renewed") == "success"  # a final state
    assert state_tone(kind_of(Synthesis), "approved") == "success"


def test_a_state_only_returns_reach_is_returned() -> None:
    assert state_tone(kind_of(Synthesis), "returned") == "warning"
    assert state_tone(kind_of(SemesterReport), "returned") == "warning"
    # negotiation is also reached going forward: returned only when the page knows it was a return
    assert state_tone(kind_of(Renewal), "negotiation") == "info"
    assert state_tone(kind_of(Renewal), "negotiation", returned=True) == "warning"


def test_other_states_wait_and_late_ones_are_in_error_unless_done() -> None:
    assert state_tone(kind_of(Renewal), "cget_review") == "info"
    assert state_tone(kind_of(Renewal), "cget_review", late=True) == "error"
    assert state_tone(kind_of(Renewal), "signed", late=True) == "success"


def test_task_statuses_are_feminine() -> None:
    labels = [task_status_label(status) for status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.DONE, STATUS.CANCELED)]
    assert labels == ["Nouvelle", "Assignée", "Terminée", "Annulée"]
    assert task_status_tone(STATUS.DONE) == "success"
    assert task_status_tone(STATUS.ASSIGNED) == "info"
    assert task_status_tone(STATUS.ASSIGNED, late=True) == "error"


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context)).strip()


@pytest.mark.django_db
def test_the_state_badge_tag() -> None:
    renewal = Renewal(state="signed")
    assert render("{% state_badge renewal %}", renewal=renewal) == (
        '<span class="fr-badge fr-badge--sm fr-badge--success">Signée</span>'
    )
    html = render('{% state_badge renewal late=True small=False id="etat" %}', renewal=Renewal(state="cget_review"))
    assert html == '<span class="fr-badge fr-badge--error" id="etat">Revue du CGET · en retard</span>'


def test_the_task_badge_tag_and_filter() -> None:
    task = SimpleNamespace(status=STATUS.ASSIGNED)
    assert (
        render("{% task_badge task %}", task=task)
        == '<span class="fr-badge fr-badge--sm fr-badge--info">Assignée</span>'
    )
    assert render("{{ status|task_status }}", status=STATUS.NEW) == "Nouvelle"
