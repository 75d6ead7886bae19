"""Building renovation cases in a given state, through the real services (no shortcuts)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from reference.models import CityContract
from tests.factories.renewal import CommitmentFactory
from workflows.models import Commitment, Renewal, RenewalDocument, RenewalState
from workflows.renewal.flows import RenewalFlow
from workflows.renewal.services import renewal_document_add, renewal_launch, renewal_task_complete

# A real one-page PDF (catalog, page tree, xref): uploads must parse with pypdf (workflows/uploads.py).
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def nord_contract(index: int = 0) -> CityContract:
    return CityContract.objects.filter(department__code="59").order_by("code")[index]


def open_task(renewal: Renewal, node: str) -> Task:
    return Task.objects.get(
        process__artifact_object_id=renewal.pk,
        process__flow_class=RenewalFlow,
        flow_task=getattr(RenewalFlow, node),
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


def fresh(renewal: Renewal) -> Renewal:
    return Renewal.objects.get(pk=renewal.pk)


EVALUATION = {
    "evaluation_date": datetime.date(2019, 3, 1),
    "evaluation_strengths": "Le programme de réussite éducative fonctionne.",
    "evaluation_improvements": "L'accès à l'emploi des jeunes reste insuffisant.",
    "councils_consulted_on": datetime.date(2019, 2, 20),
    "councils_consulted": "Conseils citoyens de Lille-Sud et de Moulins",
}
PROTOCOL = {
    "childhood_parenting": "Lieux d'accueil parents-enfants dans chaque QPV.",
    "protocol_signatories": "Préfet du Nord, président de la MEL, maires",
}


def add_commitment(renewal: Renewal) -> Commitment:
    return CommitmentFactory.create(renewal=renewal)


def renewal_in(
    state: str,
    *,
    agent: User,
    validator: User | None = None,
    referent: User | None = None,
    contract_index: int = 0,
) -> Renewal:
    """A Nord renovation brought to ``state`` by the full task path."""
    renewal, _ = renewal_launch(city_contract=nord_contract(contract_index), user=agent)
    steps = [
        RenewalState.EVALUATION,
        RenewalState.NEGOTIATION,
        RenewalState.PREFECT_VALIDATION,
        RenewalState.CGET_REVIEW,
        RenewalState.SIGNATURE,
    ]
    for step in steps:
        if fresh(renewal).state == state:
            return fresh(renewal)
        if step == RenewalState.EVALUATION:
            renewal_document_add(renewal=renewal, user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
            renewal_task_complete(task_pk=open_task(renewal, "evaluate").pk, user=agent, fields=EVALUATION)
        elif step == RenewalState.NEGOTIATION:
            add_commitment(renewal)
            renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=agent, fields=PROTOCOL)
        elif step == RenewalState.PREFECT_VALIDATION:
            assert validator is not None
            renewal_task_complete(task_pk=open_task(renewal, "validate").pk, user=validator, transition="validate")
        elif step == RenewalState.CGET_REVIEW:
            assert referent is not None
            renewal_task_complete(task_pk=open_task(renewal, "review").pk, user=referent, transition="approve")
    renewal = fresh(renewal)
    assert renewal.state == state, renewal.state
    return renewal
