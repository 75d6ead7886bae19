"""The renovation's early warning (``workflows.cases.risk``): its stages in order, from the
mid-term evaluation to the signature, and its deadline, the campaign's signature date (the renovation
« effective avant fin juillet » of the circular of 22 January 2019, annex 1)."""

from __future__ import annotations

from notifications.campaign import campaign_calendar
from workflows.cases.risk import RiskModel, risk_register
from workflows.renewal.models.renewal import STEPS, RenewalState

MODEL = RiskModel(
    kind_code="renewal",
    stages=tuple(str(step) for step in STEPS),
    deadline=lambda renewal: campaign_calendar().renewal_signature,
    first=str(RenewalState.NOT_STARTED),
)

risk_register(MODEL)
