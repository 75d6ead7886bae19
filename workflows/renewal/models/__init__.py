"""The renovation case: the contrat de ville's renewal, its protocol, documents, history, process."""

from workflows.renewal.models.documents import RenewalDocument
from workflows.renewal.models.history import RenewalTransition
from workflows.renewal.models.process import RenewalProcess
from workflows.renewal.models.protocol import DIJON_DOMAINS, Commitment
from workflows.renewal.models.renewal import Renewal, RenewalState

__all__ = [
    "DIJON_DOMAINS",
    "Commitment",
    "Renewal",
    "RenewalDocument",
    "RenewalProcess",
    "RenewalState",
    "RenewalTransition",
]
