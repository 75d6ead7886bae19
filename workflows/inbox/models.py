"""What an agent keeps in his workspace: the cases he follows, the views he saved.

- ``Follow``: "Suivre ce dossier" (démarches-simplifiées' ``app/models/follow.rb``): a generic
  link to a case of any kind; ``seen_at`` is when he last opened it ("changed since your last
  visit").
- ``SavedView``: a tab of the inbox with its filters and sort (DS's
  ``procedure_presentation.rb``, Signals' ``stored_signal_filter.py``): private, or shared with
  his département or with the CGET.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    created_at = models.DateTimeField(_("suivi depuis"), default=timezone.now)
    seen_at = models.DateTimeField(_("dernière visite"), default=timezone.now)

    class Meta:
        app_label = "workflows"
        verbose_name = _("dossier suivi")
        verbose_name_plural = _("dossiers suivis")
        constraints = [
            models.UniqueConstraint(fields=["user", "case_type", "case_id"], name="follow_unique_per_user_case"),
        ]
        indexes = [models.Index(fields=["case_type", "case_id"], name="follow_case_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_type_id}:{self.case_id}"


class SavedView(models.Model):
    class Sharing(models.TextChoices):
        PRIVATE = "private", _("privée")
        DEPARTMENT = "department", _("partagée avec le département")
        CGET = "cget", _("partagée avec le CGET")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("nom"), max_length=80)
    tab = models.CharField(_("onglet"), max_length=20)
    query = models.CharField(_("filtres et tri"), max_length=500, blank=True)
    sharing = models.CharField(_("partage"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "workflows"
        verbose_name = _("vue enregistrée")
        verbose_name_plural = _("vues enregistrées")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["owner"], name="savedview_owner_idx")]

    def __str__(self) -> str:
        return self.name
