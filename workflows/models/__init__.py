"""Case models of the workflows app, one module per sub-domain (open-zaak layout)."""

from workflows.followup.models import CommitmentFollowUp
from workflows.models.documents import RenewalDocument
from workflows.models.history import RenewalTransition
from workflows.models.process import RenewalProcess
from workflows.models.protocol import DIJON_DOMAINS, Commitment
from workflows.models.renewal import Renewal, RenewalState
from workflows.paqte.models import *  # noqa: F403
from workflows.paqte.models import __all__ as _paqte_all
from workflows.steering.models import Meeting, MeetingHistory
from workflows.synthesis.models import Synthesis, SynthesisHistory, SynthesisProcess

__all__ = [
    "DIJON_DOMAINS",
    "Commitment",
    "Renewal",
    "RenewalDocument",
    "RenewalProcess",
    "RenewalState",
    "RenewalTransition",
    *_paqte_all,
    "Meeting",
    "MeetingHistory",
    "Synthesis",
    "SynthesisHistory",
    "SynthesisProcess",
    "CommitmentFollowUp",
]
