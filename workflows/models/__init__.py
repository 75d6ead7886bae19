"""Every case kind's models, gathered for Django's app « workflows » (one module per kind)."""

from workflows.cases.notes import Message, Note
from workflows.cases.parties import Party
from workflows.cases.party_history import PartyHistory
from workflows.inbox.models import Follow, SavedView
from workflows.paqte.models import *  # noqa: F403
from workflows.paqte.models import __all__ as _paqte_all
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.models import (
    DIJON_DOMAINS,
    Commitment,
    Renewal,
    RenewalDocument,
    RenewalProcess,
    RenewalState,
    RenewalTransition,
)
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
    "Follow",
    "SavedView",
    "Note",
    "Message",
    "Party",
    "PartyHistory",
]
