"""What the documents of a submission (the synthesis, the PAQTE report) share beyond the State's
identity of ``reference.pdf``: the date they carry."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from notifications.campaign import campaign_today


def document_date(submission: Any) -> datetime.date:
    """The day it was sent to the CGET (as the prefect signs it), else the campaign's today (a draft)."""
    submitted_at = getattr(submission, "submitted_at", None)
    return timezone.localdate(submitted_at) if submitted_at else campaign_today()


def prefect_of(department: Any) -> str:
    """« Préfet » or « Préfète »: how the département's prefecture signs (``Organisation.head_title``)."""
    try:
        return str(department.prefecture.head_title)
    except ObjectDoesNotExist:
        return "Préfet"
