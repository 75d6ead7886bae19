"""The history of a case's parties (``workflows.cases.parties``): each change of a party (added,
asked, signed, refused), who, when, from which state to which, shown in its case's timeline
(``workflows.cases.history.timeline``). Kept apart from the kind's own history, whose rows are the
case's transitions (its stages, returns and figures)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.cases.history import AppendOnlyHistory
from workflows.cases.parties import Party


class PartyHistory(AppendOnlyHistory):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="history", verbose_name=_("signataire"))
    source = models.CharField(_("de"), max_length=12, choices=Party.State.choices, blank=True)
    target = models.CharField(_("vers"), max_length=12, choices=Party.State.choices)

    class Meta:
        app_label = "workflows"
        verbose_name = _("historique d'un signataire")
        verbose_name_plural = _("historiques des signataires")
        ordering = ["party", "at", "pk"]
