"""The viewflow process of a renovation: workflow-only data in jsonstore, the case as artifact."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _

from viewflow import jsonstore
from viewflow.workflow.models import Process

from workflows.renewal.models.renewal import Renewal


class RenewalProcess(Process):
    launched_in_bulk = jsonstore.BooleanField(default=False)

    class Meta:
        proxy = True
        verbose_name = _("circuit de rénovation")
        verbose_name_plural = _("circuits de rénovation")

    @property
    def renewal(self) -> Renewal:
        return cast(Renewal, self.artifact)

    def __str__(self) -> str:
        return str(self.artifact) if self.artifact_object_id else f"Rénovation #{self.pk}"
