"""The events of the transition tables, sent once the transaction that moved the case commits.

Receivers (in-app notices, emails through the outbox) connect to ``case_event``; the sender is
the case model, with ``case``, ``transition`` (its ``Transition``), ``event`` (its name: "returned",
"approved", "submitted", …), ``actor`` and ``comment``.
"""

from __future__ import annotations

import django.dispatch

case_event = django.dispatch.Signal()
