"""The models of the workflows app, one sub-package per case kind."""

from workflows.paqte.models import *  # noqa: F403
from workflows.paqte.models import __all__ as _paqte_all
from workflows.steering.models import Meeting, MeetingHistory  # noqa: F401

__all__ = [*_paqte_all]
